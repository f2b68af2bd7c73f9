/**
 * Reading windows of a token store (browser-safe): the window-reader contract both readers implement
 * (`openTokenStore` in `@normfree/data/node` with positioned file reads, `openRemoteTokenStore` with
 * HTTP range requests), where window i of a split lies, runs of adjacent windows read at once, and
 * the little-endian decoding of shard bytes.
 */
import {
  bytesPerId,
  tokenStoreSplitNames,
  type TokenStoreDtype,
  type TokenStoreManifest,
  type TokenStoreSplitName,
} from './token-store-format.js';

/** Windows read synchronously by index (a store's split on disk, or windows in memory). */
export interface WindowReader {
  /** Number of windows (N). */
  readonly count: number;
  /** Window length T. */
  readonly seqLen: number;
  /** What the windows are, for error messages, e.g. `/data/store (train)`. */
  readonly source?: string;
  /**
   * Reads windows `indices[k]` into `into` at row k (ids as int32, row-major (K, T)).
   *
   * @throws Error naming an index outside [0, count) or an `into` shorter than K·T.
   */
  readWindows(indices: ArrayLike<number>, into: Int32Array): void;
}

/** Where window `index` of a split lies: its shard and byte offset in the shard. */
export interface WindowLocation {
  readonly shard: number;
  readonly byteOffset: number;
}

/**
 * The shard and byte offset of a split's window (every shard but the last holds `windowsPerShard`).
 *
 * @param manifest - the store's manifest.
 * @param index - the window's index in its split (not checked against the split's size).
 */
export function windowLocation(
  manifest: Pick<TokenStoreManifest, 'seqLen' | 'dtype' | 'windowsPerShard'>,
  index: number,
): WindowLocation {
  const windowBytes = manifest.seqLen * bytesPerId(manifest.dtype);
  const shard = Math.floor(index / manifest.windowsPerShard);
  return { shard, byteOffset: (index - shard * manifest.windowsPerShard) * windowBytes };
}

/** Windows adjacent in the store and in one shard: one positioned read, or one HTTP range request. */
export interface WindowRun extends WindowLocation {
  /** Positions [start, end) of the run in the list of indices given. */
  readonly start: number;
  readonly end: number;
  /** Bytes of the run in its shard, from `byteOffset`. */
  readonly bytes: number;
}

/**
 * Cuts a list of window indices, in list order, into runs of consecutive indices (each one more than
 * the one before it) that lie in one shard: what the Node and HTTP readers read at once.
 *
 * @param manifest - seqLen, dtype and windowsPerShard of the store.
 * @param indices - window indices of one split (not checked against its size).
 */
export function windowRuns(
  manifest: Pick<TokenStoreManifest, 'seqLen' | 'dtype' | 'windowsPerShard'>,
  indices: ArrayLike<number>,
): WindowRun[] {
  const windowBytes = manifest.seqLen * bytesPerId(manifest.dtype);
  const runs: WindowRun[] = [];
  for (let start = 0; start < indices.length;) {
    const location = windowLocation(manifest, indices[start]!);
    const shardEnd = (location.shard + 1) * manifest.windowsPerShard;
    let end = start + 1;
    while (end < indices.length && indices[end] === indices[end - 1]! + 1 && indices[end]! < shardEnd) end++;
    runs.push({ ...location, start, end, bytes: (end - start) * windowBytes });
    start = end;
  }
  return runs;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Converts little-endian ids from a shard into int32 (what batches hold).
 *
 * @param bytes - whole ids, little-endian, `bytes.byteLength` a multiple of bytesPerId(dtype).
 * @param dtype - the store's dtype.
 * @param into - destination; ids are written from `offset`.
 * @param offset - first element of `into` written.
 */
export function decodeTokenIds(bytes: Uint8Array, dtype: TokenStoreDtype, into: Int32Array, offset = 0): void {
  const width = bytesPerId(dtype);
  const count = bytes.byteLength / width;
  if (littleEndian && bytes.byteOffset % width === 0) {
    // The common case: a typed-array view is the conversion (Int32Array.set widens uint16 / keeps uint32).
    const ids =
      dtype === 'uint16'
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, count)
        : new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    into.set(ids, offset);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++)
    into[offset + i] = width === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
}

/**
 * Checks a split name (callers may pass untyped text from a command line).
 *
 * @throws Error naming `source` and the name.
 */
export function checkSplitName(name: string, source: string): TokenStoreSplitName {
  if (!(tokenStoreSplitNames as readonly string[]).includes(name)) {
    throw new Error(`${source}: split ${JSON.stringify(name)} must be one of ${tokenStoreSplitNames.join(', ')}`);
  }
  return name as TokenStoreSplitName;
}

/**
 * Checks window indices against a split's size.
 *
 * @throws Error naming the first bad index, the count and `source`.
 */
export function checkWindowIndices(indices: ArrayLike<number>, count: number, source: string): void {
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k]!;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new Error(`${source}: window index ${String(index)} must be an integer in [0, ${count})`);
    }
  }
}

/**
 * A {@link WindowReader} over windows already in memory (flat, N·T ids), e.g. a fetched evaluation set.
 *
 * @param tokens - the ids, window i at [i·T, (i+1)·T).
 * @param seqLen - T.
 * @param source - named in errors.
 */
export function createMemoryWindowReader(
  tokens: Int32Array | Uint16Array | Uint32Array,
  seqLen: number,
  source = 'windows in memory',
): WindowReader {
  const count = Math.floor(tokens.length / seqLen);
  return {
    count,
    seqLen,
    source,
    readWindows(indices, into) {
      checkWindowIndices(indices, count, source);
      for (let k = 0; k < indices.length; k++) {
        const start = indices[k]! * seqLen;
        into.set(tokens.subarray(start, start + seqLen), k * seqLen);
      }
    },
  };
}
