/**
 * The on-disk token store that `normfree prepare` writes and training reads (browser-safe: types,
 * names and pure helpers only; writing lives in `@normfree/data/node`).
 *
 * A store is a folder:
 *
 * ```
 * <store>/
 *   manifest.json          TokenStoreManifest, written atomically once every shard is complete
 *                          (a folder without it is an unfinished prepare: run the same prepare again to resume)
 *   tokenizer.json         the tokenizer the ids came from (absent for the built-in `gpt2`)
 *   train/00000.bin …      shards: windows of seqLen ids back to back, little-endian uint16 or uint32
 *   validation/00000.bin …
 *   .prepare/              work in progress of an unfinished `prepare` (resume state, partial shard)
 * ```
 *
 * Every shard of a split holds exactly `windowsPerShard` windows except the split's last, so window
 * `i` of a split is in shard ⌊i / windowsPerShard⌋ at byte offset (i mod windowsPerShard)·seqLen·bytesPerId.
 *
 * References:
 * 1. paper-reference §5.1 (run_clm.py:59-71): each file tokenized whole, cut into non-overlapping
 *    windows of T tokens, the tail dropped, nothing packed across files. A store holds exactly those windows.
 */

/** `manifest.json`'s `format` field. */
export const tokenStoreFormat = 'normfree-token-store';
/** The version this package writes and reads. */
export const tokenStoreVersion = 1;

/**
 * Share of documents held out for validation when none are given separately: the one default of
 * `normfree prepare`, the embedded corpus's split and the experiment runner (paper-reference §5.1 holds
 * out a separate split).
 */
export const defaultValidationFraction = 0.05;

/** File and folder names inside a store. */
export const tokenStoreFileNames = {
  manifest: 'manifest.json',
  tokenizer: 'tokenizer.json',
  work: '.prepare',
} as const;

/** The two sides of a store. */
export type TokenStoreSplitName = 'train' | 'validation';
export const tokenStoreSplitNames: readonly TokenStoreSplitName[] = ['train', 'validation'];

/** Storage type of ids: uint16 when every id is below 65536, else uint32. */
export type TokenStoreDtype = 'uint16' | 'uint32';

/** Bytes per id of a dtype. */
export function bytesPerId(dtype: TokenStoreDtype): 2 | 4 {
  return dtype === 'uint16' ? 2 : 4;
}

/** The dtype for a vocabulary size. */
export function dtypeForVocabSize(vocabSize: number): TokenStoreDtype {
  return vocabSize <= 65536 ? 'uint16' : 'uint32';
}

/** The shard file of a split, relative to the store: `train/00012.bin`. */
export function shardFileName(split: TokenStoreSplitName, index: number): string {
  return `${split}/${String(index).padStart(5, '0')}.bin`;
}

/**
 * The identity text of the built-in GPT-2 tokenizer (`createGpt2Tokenizer`), whose SHA-256 a store
 * records in place of a tokenizer.json's: the library and encoding its ids come from.
 */
export const gpt2TokenizerIdentity = 'gpt2: gpt-tokenizer 4.0.0, encoding r50k_base, 50257 ids';

/** Which tokenizer produced the ids. */
export interface TokenStoreTokenizer {
  /** `default-4096`, `gpt2`, or the path of the `tokenizer.json` given to prepare. */
  readonly name: string;
  readonly vocabSize: number;
  /**
   * SHA-256 (hex) of the tokenizer's identity: of `tokenizer.json`'s bytes as copied into the store,
   * or, for the built-in `gpt2`, of the UTF-8 text {@link gpt2TokenizerIdentity}.
   */
  readonly sha256: string;
  /** `tokenizer.json` when the store holds a copy (every BPE tokenizer); absent for `gpt2`. */
  readonly file?: string;
}

/** One complete shard. */
export interface TokenStoreShard {
  /** Relative to the store, e.g. `train/00000.bin`. */
  readonly file: string;
  readonly windows: number;
  readonly bytes: number;
  /** SHA-256 (hex) of the shard's bytes. */
  readonly sha256: string;
}

/** One side of the store. */
export interface TokenStoreSplit {
  /** Documents (files) assigned to this side, including those too short for one window. */
  readonly documents: number;
  /** Tokens of those documents before tails are dropped. */
  readonly tokens: number;
  /** Windows of seqLen tokens (= the sum over shards). */
  readonly windows: number;
  readonly shards: readonly TokenStoreShard[];
}

/** One input file that was read. */
export interface TokenStoreSource {
  /** As given or found (absolute path). */
  readonly path: string;
  /** `input`: the main inputs (split by document with a fraction rule, else all training); `validation`: a `--validation` input. */
  readonly role: 'input' | 'validation';
  readonly format: 'jsonl' | 'jsonl.gz' | 'parquet';
  /** Size of the file on disk. */
  readonly bytes: number;
  /** Rows read (documents). */
  readonly documents: number;
}

/** An input skipped with `--skip-bad-files`. */
export interface TokenStoreSkippedFile {
  readonly path: string;
  /** The error message that made it unreadable. */
  readonly reason: string;
}

/** How validation documents were chosen. */
export type TokenStoreSplitRule =
  /** Each input document goes to validation when a seeded hash of (seed, source index, row) falls below the fraction. */
  | { readonly kind: 'fraction'; readonly validationFraction: number; readonly seed: number }
  /** Validation came from separate inputs (`--validation <paths>`). */
  | { readonly kind: 'separate' };

/** `manifest.json`. */
export interface TokenStoreManifest {
  readonly format: typeof tokenStoreFormat;
  readonly version: typeof tokenStoreVersion;
  readonly createdAt: string;
  /** Window length T. */
  readonly seqLen: number;
  readonly dtype: TokenStoreDtype;
  readonly windowsPerShard: number;
  readonly tokenizer: TokenStoreTokenizer;
  /** The row field that was tokenized (`content` by default). */
  readonly field: string;
  readonly splitRule: TokenStoreSplitRule;
  readonly splits: { readonly train: TokenStoreSplit; readonly validation: TokenStoreSplit };
  readonly sources: readonly TokenStoreSource[];
  readonly skippedFiles: readonly TokenStoreSkippedFile[];
  /** `--max-files` / `--max-tokens` when given. */
  readonly limits: { readonly maxFiles?: number; readonly maxTokens?: number };
}
