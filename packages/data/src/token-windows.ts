/**
 * The CodeParrot windowing rule: `windowCount` (used by `prepareTokenStore`'s tokenizing) and
 * `createTokenWindows`, the same rule on windows in memory. Training never reads windows in memory
 * (every path reads a token store); `createTokenWindows` stays as the plain, obviously correct
 * version that prepare's tests compare the streamed store against, so only `windowCount` is public.
 *
 * References:
 * 1. paper-reference §5.1 (run_clm.py:59-71): each file is tokenized whole and cut into
 *    consecutive, non-overlapping windows of T tokens; windows shorter than T (every file's tail)
 *    are dropped; no BOS/EOS is inserted and nothing is packed across files.
 */
import { checkInteger } from '@normfree/core';

/** Token storage: Uint16Array when every id fits (vocab ≤ 65536), else Int32Array. */
export type TokenArray = Uint16Array | Int32Array;

/** Windows of `seqLen` tokens, stored back to back. */
export interface TokenWindows {
  readonly seqLen: number;
  /** Number of windows (N). */
  readonly count: number;
  /** N·T token ids, window i at [i·T, (i+1)·T). */
  readonly tokens: TokenArray;
  /** For each window, the index of the file (document) it was cut from. */
  readonly fileIndex: Int32Array;
  /**
   * Window `index` as a view into `tokens` (no copy).
   *
   * @throws Error naming the index and `count` if it is out of range.
   */
  window(index: number): TokenArray;
}

/** Options of {@link createTokenWindows}. */
export interface CreateTokenWindowsOptions {
  /** Token ids of each file, tokenized whole. */
  files: readonly ArrayLike<number>[];
  /** Window length T (the paper: 128). */
  seqLen: number;
  /** The tokenizer's vocabSize; picks Uint16Array storage when ≤ 65536. */
  vocabSize: number;
  /** The file index recorded for each entry of `files` (default: its position). */
  fileIndices?: readonly number[];
}

/**
 * Number of full windows a file of `tokenCount` tokens gives (the tail is dropped).
 *
 * @param tokenCount - tokens in the file.
 * @param seqLen - window length T.
 */
export function windowCount(tokenCount: number, seqLen: number): number {
  return Math.floor(tokenCount / seqLen);
}

/**
 * Cuts every file into consecutive, non-overlapping windows of `seqLen` tokens, dropping each
 * file's partial tail. Windows keep file order, and within a file, position order.
 *
 * @param options - files, seqLen, vocabSize, fileIndices.
 * @returns the windows (plain typed arrays, no tensors).
 * @throws Error naming the value if `seqLen` is not a positive integer, or if `fileIndices` has the
 *   wrong length.
 */
export function createTokenWindows(options: CreateTokenWindowsOptions): TokenWindows {
  const { files, seqLen, vocabSize } = options;
  checkInteger('createTokenWindows: seqLen', seqLen, { min: 1 });
  if (options.fileIndices !== undefined && options.fileIndices.length !== files.length) {
    throw new Error(
      `createTokenWindows: fileIndices has ${options.fileIndices.length} entries but files has ${files.length}`,
    );
  }
  let count = 0;
  for (const file of files) count += windowCount(file.length, seqLen);
  const tokens = vocabSize <= 65536 ? new Uint16Array(count * seqLen) : new Int32Array(count * seqLen);
  const fileIndex = new Int32Array(count);
  let next = 0;
  files.forEach((file, position) => {
    const windows = windowCount(file.length, seqLen);
    const usable = windows * seqLen;
    // A plain loop rather than tokens.set(file.subarray(...)): files may be number[] too.
    const offset = next * seqLen;
    for (let i = 0; i < usable; i++) tokens[offset + i] = file[i]!;
    fileIndex.fill(options.fileIndices?.[position] ?? position, next, next + windows);
    next += windows;
  });
  return {
    seqLen,
    count,
    tokens,
    fileIndex,
    window(index) {
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`TokenWindows.window: index ${String(index)} is outside [0, ${count})`);
      }
      return tokens.subarray(index * seqLen, (index + 1) * seqLen);
    },
  };
}
