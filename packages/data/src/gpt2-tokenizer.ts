/**
 * The exact GPT-2 vocabulary (r50k_base, 50,257 ids), through `gpt-tokenizer`.
 *
 * References:
 * 1. docs/toolchain.md §6: gpt-tokenizer 4.0.0 matched OpenAI's `encoder.py` on 574/574 stdlib
 *    files; its `encode` throws on `<|endoftext|>` text unless `disallowedSpecial` is emptied.
 */
import type { Tokenizer } from '@normfree/core';
import { decode, encode, vocabularySize } from 'gpt-tokenizer/encoding/r50k_base';

/** GPT-2's end-of-text id. */
const END_OF_TEXT_ID = 50256;

/**
 * Creates the GPT-2 tokenizer (the paper's GPT-2 runs used a 50K vocabulary; this is GPT-2's own).
 *
 * @returns a `Tokenizer` with vocabSize 50257 and `specialTokens` `{ '<|endoftext|>': 50256 }`;
 *   `<|endoftext|>` text inside a document is encoded as ordinary text, as the contract asks.
 * @example
 * ```ts
 * createGpt2Tokenizer().encode('Hello world'); // [15496, 995]
 * ```
 */
export function createGpt2Tokenizer(): Tokenizer {
  const encodeOptions = { disallowedSpecial: new Set<string>(), allowedSpecial: new Set<string>() };
  return {
    specificationVersion: 'v1',
    vocabSize: vocabularySize,
    specialTokens: { '<|endoftext|>': END_OF_TEXT_ID },
    encode: (text) => encode(text, encodeOptions),
    decode: (ids) => decode(Array.from(ids)),
  };
}
