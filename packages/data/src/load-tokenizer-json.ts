/**
 * Loads a byte-level BPE tokenizer from a Hugging Face `tokenizer.json` (ours, GPT-2's, or any
 * other file with a ByteLevel pre-tokenizer and a BPE model).
 */
import { createBpeTokenizer, type BpeTokenizer } from './bpe-tokenizer.js';
import { describeJsonValue, isJsonObject } from './json-value.js';

/** Options of {@link loadTokenizerJson}. */
export interface LoadTokenizerJsonOptions {
  /** Where the file came from (a path or URL), named in every error message. */
  source: string;
  /** Passed to `createBpeTokenizer` (default there: 1,000,000 words). */
  wordCacheLimit?: number;
}


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
  if (!isJsonObject(json)) throw new Error(`${source}: expected a tokenizer.json object, got ${describeJsonValue(json)}`);

  const model = json['model'];
  if (!isJsonObject(model)) throw new Error(`${source}: missing field "model" (got ${describeJsonValue(model)})`);
  if (model['type'] !== 'BPE') {
    throw new Error(`${source}: field "model.type" must be "BPE", got ${describeJsonValue(model['type'])}`);
  }
  for (const field of ['dropout', 'unk_token'] as const) {
    if (model[field] !== undefined && model[field] !== null) {
      throw new Error(`${source}: field "model.${field}" must be null for byte-level BPE, got ${describeJsonValue(model[field])}`);
    }
  }
  for (const field of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[field] !== undefined && model[field] !== null && model[field] !== '') {
      throw new Error(`${source}: field "model.${field}" is not supported, got ${describeJsonValue(model[field])}`);
    }
  }

  const normalizer = json['normalizer'];
  if (normalizer !== undefined && normalizer !== null) {
    throw new Error(`${source}: field "normalizer" must be null for byte-level BPE, got ${describeJsonValue(normalizer)}`);
  }
  const preTokenizer = json['pre_tokenizer'];
  if (!isJsonObject(preTokenizer) || preTokenizer['type'] !== 'ByteLevel') {
    throw new Error(`${source}: field "pre_tokenizer" must be {"type":"ByteLevel",...}, got ${describeJsonValue(preTokenizer)}`);
  }
  if (preTokenizer['use_regex'] === false) {
    throw new Error(`${source}: field "pre_tokenizer.use_regex" is false; only the GPT-2 regex (true) is supported`);
  }

  const vocab = model['vocab'];
  if (!isJsonObject(vocab)) throw new Error(`${source}: missing field "model.vocab" (got ${describeJsonValue(vocab)})`);
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new Error(`${source}: field "model.vocab" maps ${describeJsonValue(token)} to ${describeJsonValue(id)}, not a non-negative integer`);
    }
  }

  const rawMerges = model['merges'];
  if (!Array.isArray(rawMerges)) throw new Error(`${source}: missing field "model.merges" (got ${describeJsonValue(rawMerges)})`);
  const merges = rawMerges.map((merge: unknown, index): [string, string] => {
    if (typeof merge === 'string') {
      const parts = merge.split(' ');
      if (parts.length === 2) return [parts[0]!, parts[1]!];
    } else if (Array.isArray(merge) && merge.length === 2 && merge.every((part) => typeof part === 'string')) {
      return [merge[0] as string, merge[1] as string];
    }
    throw new Error(`${source}: field "model.merges[${index}]" must be "a b" or ["a","b"], got ${describeJsonValue(merge)}`);
  });

  const specialTokens: Record<string, number> = {};
  const addedTokens = json['added_tokens'] ?? [];
  if (!Array.isArray(addedTokens)) throw new Error(`${source}: field "added_tokens" must be an array, got ${describeJsonValue(addedTokens)}`);
  addedTokens.forEach((token: unknown, index) => {
    if (!isJsonObject(token) || typeof token['content'] !== 'string' || typeof token['id'] !== 'number') {
      throw new Error(`${source}: field "added_tokens[${index}]" needs "content" and "id", got ${describeJsonValue(token)}`);
    }
    if (token['special'] === true) specialTokens[token['content']] = token['id'];
  });

  return createBpeTokenizer({
    vocab: vocab as Record<string, number>,
    merges,
    specialTokens,
    addPrefixSpace: preTokenizer['add_prefix_space'] === true,
    source,
    ...(options.wordCacheLimit === undefined ? {} : { wordCacheLimit: options.wordCacheLimit }),
  });
}
