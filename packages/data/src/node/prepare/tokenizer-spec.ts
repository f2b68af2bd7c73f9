/**
 * A tokenizer as plain data, so each tokenizing worker thread can rebuild it (a tokenizer object
 * holds functions and caches and cannot be posted to a thread).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Tokenizer } from '@normfree/core';
import { createGpt2Tokenizer } from '../../gpt2-tokenizer.js';
import { loadTokenizerJson } from '../../load-tokenizer-json.js';
import { gpt2TokenizerIdentity } from '../../token-store-format.js';
import { defaultAssetPaths } from '../default-corpus.js';

/** How to build the tokenizer of a prepare run: a `tokenizer.json` text, or the built-in GPT-2. */
export type TokenizerSpec =
  | {
      readonly kind: 'json';
      /** Recorded in the manifest: `default-4096`, or the path the file was given as. */
      readonly name: string;
      /** The file's text, copied byte for byte into the store. */
      readonly text: string;
    }
  | { readonly kind: 'gpt2' };

/** The name of the embedded 4096-id BPE (`defaultAssetPaths.tokenizer`). */
export const defaultTokenizerName = 'default-4096';

/**
 * The spec for a tokenizer named on a command line.
 *
 * @param name - `default-4096` (the embedded BPE), `gpt2` (the exact GPT-2 vocabulary), or the
 *   path of a Hugging Face `tokenizer.json`.
 * @returns the spec (the file's text read once here).
 * @throws Error naming the path when the file cannot be read.
 */
export async function tokenizerSpecFromName(name: string): Promise<TokenizerSpec> {
  if (name === 'gpt2') return { kind: 'gpt2' };
  const path = name === defaultTokenizerName ? defaultAssetPaths.tokenizer : name;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `${name}: cannot read tokenizer file (${(error as Error).message}); use ${defaultTokenizerName}, gpt2 or a tokenizer.json path`,
    );
  }
  return { kind: 'json', name, text };
}

/**
 * Builds the tokenizer a spec describes (once per thread: BPE tables are built here).
 *
 * @throws Error naming the spec's name when its `tokenizer.json` cannot be loaded.
 */
export function createTokenizerFromSpec(spec: TokenizerSpec, options: { wordCacheLimit?: number } = {}): Tokenizer {
  return spec.kind === 'gpt2' ? createGpt2Tokenizer() : loadTokenizerJson(spec.text, { source: spec.name, ...options });
}

/**
 * Words each prepare thread's BPE caches before emptying its cache. The encoder's default (10^6 words,
 * ≈ 150 MB on code) times the workers would make RSS grow with a corpus's vocabulary up to that bound;
 * common words are what the cache is for, and they come back at once after a reset.
 */
export const prepareWordCacheLimit = 100_000;

/** What a store records of its tokenizer: its name, and the bytes whose SHA-256 identifies it. */
export function tokenizerIdentity(spec: TokenizerSpec): { name: string; sha256: string; fileBytes?: Uint8Array } {
  if (spec.kind === 'gpt2') {
    return { name: 'gpt2', sha256: createHash('sha256').update(gpt2TokenizerIdentity, 'utf8').digest('hex') };
  }
  const fileBytes = new TextEncoder().encode(spec.text);
  return { name: spec.name, sha256: createHash('sha256').update(fileBytes).digest('hex'), fileBytes };
}
