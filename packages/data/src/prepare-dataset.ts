/**
 * From documents to training and validation windows: tokenize each file whole, split by file,
 * cut windows by the CodeParrot rule.
 */
import type { Tokenizer } from '@normfree/core';
import type { CorpusDocument } from './corpus-document.js';
import { splitByFile, type FileSplit } from './split-by-file.js';
import { createTokenWindows, windowCount, type TokenArray, type TokenWindows } from './token-windows.js';

/** The defaults of {@link prepareDataset}: T = 128 (paper-reference §5.1), 5 % of files held out, seed 0. */
export const defaultDatasetOptions = {
  seqLen: 128,
  validationFraction: 0.05,
  seed: 0,
} as const;

/** A corpus tokenized file by file (what is worth caching: windows are cheap to cut from it). */
export interface TokenizedCorpus {
  /** Token ids of each file, in corpus order. */
  readonly files: readonly TokenArray[];
  /** UTF-8 bytes of each file. */
  readonly bytes: readonly number[];
  /** The tokenizer's vocabSize. */
  readonly vocabSize: number;
}

/** Size of one side of the split. */
export interface SplitStats {
  readonly files: number;
  /** UTF-8 bytes of those files. */
  readonly bytes: number;
  /** Tokens of those files (before tails are dropped). */
  readonly tokens: number;
  /** Windows of seqLen tokens. */
  readonly windows: number;
}

/** The result of {@link prepareDataset}. */
export interface PreparedDataset {
  readonly seqLen: number;
  readonly vocabSize: number;
  readonly train: TokenWindows;
  readonly validation: TokenWindows;
  /** Which files went where (indices into the documents). */
  readonly split: FileSplit;
  readonly stats: { readonly train: SplitStats; readonly validation: SplitStats };
}

/** Options of {@link tokenizeCorpus}. */
export interface TokenizeCorpusOptions {
  /** File contents, or CodeParrot documents (only `content` is used). */
  documents: readonly (string | CorpusDocument)[];
  tokenizer: Tokenizer;
}

/** Options of {@link windowDataset}. */
export interface WindowDatasetOptions {
  corpus: TokenizedCorpus;
  /** Window length T (default 128). */
  seqLen?: number;
  /** Share of files held out for validation (default 0.05). */
  validationFraction?: number;
  /** Split seed (default 0). */
  seed?: number;
}

/** Options of {@link prepareDataset}. */
export type PrepareDatasetOptions = TokenizeCorpusOptions & Omit<WindowDatasetOptions, 'corpus'>;

/**
 * Tokenizes each document whole (never split at lines: toolchain.md §6, chunking changes tokens).
 *
 * @param options - documents, tokenizer.
 * @returns per-file token arrays (Uint16Array when vocabSize ≤ 65536) and byte counts.
 * @throws Error if there are no documents, or naming the document and id if the tokenizer returns an
 *   id outside [0, vocabSize).
 */
export function tokenizeCorpus(options: TokenizeCorpusOptions): TokenizedCorpus {
  const { documents, tokenizer } = options;
  if (documents.length === 0) throw new Error('tokenizeCorpus: documents is empty (0 files)');
  const { vocabSize } = tokenizer;
  const encoder = new TextEncoder();
  const files: TokenArray[] = [];
  const bytes: number[] = [];
  documents.forEach((document, index) => {
    const content = typeof document === 'string' ? document : document.content;
    const ids = tokenizer.encode(content);
    const array = vocabSize <= 65536 ? new Uint16Array(ids.length) : new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(id >= 0 && id < vocabSize)) {
        throw new Error(`tokenizeCorpus: document ${index} has token id ${id} outside [0, ${vocabSize})`);
      }
      array[i] = id;
    }
    files.push(array);
    bytes.push(encoder.encode(content).length);
  });
  return { files, bytes, vocabSize };
}

/**
 * Splits a tokenized corpus by file and cuts both sides into windows.
 *
 * @param options - corpus, seqLen, validationFraction, seed.
 * @returns train and validation windows (validation in corpus order), the split and the stats.
 */
export function windowDataset(options: WindowDatasetOptions): PreparedDataset {
  const { corpus } = options;
  const seqLen = options.seqLen ?? defaultDatasetOptions.seqLen;
  const split = splitByFile({
    fileCount: corpus.files.length,
    validationFraction: options.validationFraction ?? defaultDatasetOptions.validationFraction,
    seed: options.seed ?? defaultDatasetOptions.seed,
  });
  const side = (indices: readonly number[]): { windows: TokenWindows; stats: SplitStats } => {
    const files = indices.map((index) => corpus.files[index]!);
    const windows = createTokenWindows({ files, seqLen, vocabSize: corpus.vocabSize, fileIndices: indices });
    const stats = {
      files: indices.length,
      bytes: indices.reduce((sum, index) => sum + corpus.bytes[index]!, 0),
      tokens: files.reduce((sum, file) => sum + file.length, 0),
      windows: files.reduce((sum, file) => sum + windowCount(file.length, seqLen), 0),
    };
    return { windows, stats };
  };
  const train = side(split.train);
  const validation = side(split.validation);
  return {
    seqLen,
    vocabSize: corpus.vocabSize,
    train: train.windows,
    validation: validation.windows,
    split,
    stats: { train: train.stats, validation: validation.stats },
  };
}

/**
 * Prepares a dataset the CodeParrot way: tokenize each file whole, split files into train and
 * validation (seeded), cut each file into consecutive non-overlapping windows of `seqLen` tokens,
 * drop every partial tail, insert no EOS.
 *
 * @param options - documents, tokenizer, seqLen (128), validationFraction (0.05), seed (0).
 * @returns windows for both sides, the split and the stats. Pass `train` to
 *   `createBatchSampler` and `validation` to `createEvalSet`.
 * @example
 * ```ts
 * const dataset = prepareDataset({ documents, tokenizer, seqLen: 128, validationFraction: 0.05, seed: 0 });
 * const batches = createBatchSampler({ windows: dataset.train, batchSize: 8, seed: 0 });
 * ```
 */
export function prepareDataset(options: PrepareDatasetOptions): PreparedDataset {
  const corpus = tokenizeCorpus(options);
  const windowOptions: WindowDatasetOptions = { corpus };
  if (options.seqLen !== undefined) windowOptions.seqLen = options.seqLen;
  if (options.validationFraction !== undefined) windowOptions.validationFraction = options.validationFraction;
  if (options.seed !== undefined) windowOptions.seed = options.seed;
  return windowDataset(windowOptions);
}
