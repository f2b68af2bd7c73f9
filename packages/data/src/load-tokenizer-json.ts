/**
 * Loads a byte-level BPE tokenizer from a Hugging Face `tokenizer.json` (ours, GPT-2's, or any
 * other file with a ByteLevel pre-tokenizer and a BPE model).
 */
import { formatSchemaError, definedFields } from '@normfree/core';
import * as z from 'zod/mini';
import { createBpeTokenizer, type BpeTokenizer } from './bpe-tokenizer.js';

/** Options of {@link loadTokenizerJson}. */
export interface LoadTokenizerJsonOptions {
  /** Where the file came from (a path or URL), named in every error message. */
  source: string;
  /** Passed to `createBpeTokenizer` (default there: 1,000,000 words). */
  wordCacheLimit?: number;
}

const byteLevelOnly = { error: 'null for byte-level BPE' };
const unsupported = { error: 'null or "" (not supported)' };
const mergeError = { error: '"a b" or ["a","b"]' };

/**
 * The parts of `tokenizer.json` a byte-level BPE reads (other fields are ignored), each with the
 * words its error says after "must be".
 */
const tokenizerJsonSchema = z.object(
  {
    model: z.object(
      {
        type: z.literal('BPE', { error: '"BPE"' }),
        dropout: z.optional(z.null(byteLevelOnly)),
        unk_token: z.optional(z.null(byteLevelOnly)),
        continuing_subword_prefix: z.optional(z.union([z.null(), z.literal('')], unsupported)),
        end_of_word_suffix: z.optional(z.union([z.null(), z.literal('')], unsupported)),
        vocab: z.record(
          z.string(),
          z.int({ error: 'a non-negative integer id' }).check(z.gte(0, { error: 'a non-negative integer id' })),
          {
            error: 'an object of token → id',
          },
        ),
        merges: z.array(
          // Byte-level tokens never hold a space (it is Ġ), so a merge string holds exactly one.
          z.union(
            [
              z.string(mergeError).check(z.regex(/^[^ ]* [^ ]*$/, mergeError)),
              z.tuple([z.string(), z.string()], mergeError),
            ],
            mergeError,
          ),
          { error: 'an array of merges' },
        ),
      },
      { error: 'a BPE model object' },
    ),
    normalizer: z.optional(z.null(byteLevelOnly)),
    pre_tokenizer: z.object(
      {
        type: z.literal('ByteLevel', { error: '"ByteLevel"' }),
        use_regex: z.optional(z.literal(true, { error: 'true (only the GPT-2 regex is supported)' })),
        add_prefix_space: z.optional(z.boolean({ error: 'a boolean' })),
      },
      { error: 'a ByteLevel pre-tokenizer object' },
    ),
    added_tokens: z.optional(
      z.array(
        z.object(
          {
            content: z.string({ error: 'a string' }),
            id: z.int({ error: 'an integer id' }),
            special: z.optional(z.boolean({ error: 'a boolean' })),
          },
          { error: 'an object' },
        ),
        { error: 'an array' },
      ),
    ),
  },
  { error: 'a tokenizer.json object' },
);

/**
 * Parses a Hugging Face `tokenizer.json` into a {@link BpeTokenizer}.
 *
 * Supported: `model.type` `"BPE"` without dropout, unknown-token, subword prefix or suffix;
 * `pre_tokenizer` `ByteLevel` with `use_regex` true (the GPT-2 regex), with or without
 * `add_prefix_space`; `normalizer` null; merges as `"a b"` strings or `["a", "b"]` pairs. Tokens in
 * `added_tokens` with `special: true` become `specialTokens` (still encoded as ordinary text when they
 * occur in a document, per the core `Tokenizer` contract).
 *
 * @param textOrObject - the file's text, or the parsed JSON object.
 * @param options - `source`, used in error messages.
 * @returns the tokenizer.
 * @throws Error naming `source` and the missing or bad field with its value.
 */
export function loadTokenizerJson(textOrObject: string | object, options: LoadTokenizerJsonOptions): BpeTokenizer {
  const { source } = options;
  let json: unknown = textOrObject;
  if (typeof textOrObject === 'string') {
    try {
      json = JSON.parse(textOrObject);
    } catch (error) {
      throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
    }
  }
  const parsed = tokenizerJsonSchema.safeParse(json);
  if (!parsed.success) throw new Error(formatSchemaError(parsed.error, json, source));
  const { model, pre_tokenizer: preTokenizer, added_tokens: addedTokens = [] } = parsed.data;
  const merges = model.merges.map((merge): [string, string] => {
    if (typeof merge !== 'string') return merge;
    const [left, right] = merge.split(' ');
    return [left!, right!];
  });
  const specialTokens: Record<string, number> = {};
  for (const token of addedTokens) if (token.special === true) specialTokens[token.content] = token.id;

  return createBpeTokenizer({
    vocab: model.vocab,
    merges,
    specialTokens,
    addPrefixSpace: preTokenizer.add_prefix_space === true,
    source,
    ...definedFields({ wordCacheLimit: options.wordCacheLimit }),
  });
}
