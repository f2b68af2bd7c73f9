/**
 * The Hugging Face `tokenizer.json` format, as far as byte-level BPE needs it, and the writer.
 *
 * References:
 * 1. Hugging Face tokenizers, `tokenizer/serialization.rs`, `models/bpe/serialization.rs`,
 *    `pre_tokenizers/byte_level.rs` (field names and defaults).
 * 2. GPT-2's `tokenizer.json` on the Hub (`openai-community/gpt2`), which has the same layout.
 */

/** One entry of `added_tokens`. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The `ByteLevel` pre-tokenizer / decoder / post-processor object. */
export interface ByteLevelJson {
  type: 'ByteLevel';
  add_prefix_space: boolean;
  trim_offsets: boolean;
  use_regex: boolean;
}

/** A `BPE` model object. Merges are written as pairs (tokenizers ≥ 0.20); "a b" strings are read too. */
export interface BpeModelJson {
  type: 'BPE';
  dropout: null;
  unk_token: null;
  continuing_subword_prefix: null;
  end_of_word_suffix: null;
  fuse_unk: boolean;
  byte_fallback: boolean;
  ignore_merges: boolean;
  vocab: Record<string, number>;
  merges: [string, string][];
}

/** A byte-level BPE `tokenizer.json` as written by {@link tokenizerJsonFrom}. */
export interface TokenizerJson {
  version: '1.0';
  truncation: null;
  padding: null;
  added_tokens: AddedTokenJson[];
  normalizer: null;
  pre_tokenizer: ByteLevelJson;
  post_processor: ByteLevelJson;
  decoder: ByteLevelJson;
  model: BpeModelJson;
}

/** What {@link tokenizerJsonFrom} needs of a tokenizer. */
export interface TokenizerJsonSource {
  readonly vocab: Readonly<Record<string, number>>;
  readonly merges: readonly (readonly [string, string])[];
  readonly specialTokens: Readonly<Record<string, number>>;
  readonly addPrefixSpace: boolean;
}

/**
 * Writes a byte-level BPE tokenizer as a Hugging Face `tokenizer.json` object: ByteLevel
 * pre-tokenizer (GPT-2 regex, `add_prefix_space` as given), ByteLevel decoder, BPE model with the
 * vocabulary (special tokens included, as in GPT-2's file) and merges, special tokens in
 * `added_tokens`.
 *
 * @param tokenizer - vocabulary, merges, special tokens.
 * @returns a plain object; `JSON.stringify(result)` is the file.
 */
export function tokenizerJsonFrom(tokenizer: TokenizerJsonSource): TokenizerJson {
  const vocab: Record<string, number> = {};
  const entries = Object.entries({ ...tokenizer.vocab, ...tokenizer.specialTokens }).sort((a, b) => a[1] - b[1]);
  for (const [token, id] of entries) vocab[token] = id;
  const byteLevel = (trimOffsets: boolean): ByteLevelJson => ({
    type: 'ByteLevel',
    add_prefix_space: tokenizer.addPrefixSpace,
    trim_offsets: trimOffsets,
    use_regex: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(tokenizer.specialTokens)
      .sort((a, b) => a[1] - b[1])
      .map(([content, id]) => ({
        id,
        content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
    normalizer: null,
    pre_tokenizer: byteLevel(true),
    // GPT-2's file has a ByteLevel post-processor with trim_offsets false; it only adjusts offsets.
    post_processor: byteLevel(false),
    decoder: byteLevel(true),
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: tokenizer.merges.map(([left, right]) => [left, right]),
    },
  };
}
