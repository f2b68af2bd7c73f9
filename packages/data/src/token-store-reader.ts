/**
 * Reading a token store (browser-safe): the manifest parser, the window source contract, and the
 * seeded batch sampler and evaluation set over a store's windows. The Node reader
 * (`openTokenStore` in `@normfree/data/node`, positioned file reads) and the browser reader
 * (`openRemoteTokenStore`, HTTP range requests) both feed these, so the same seed gives the same
 * batches in both.
 *
 * Memory does not grow with the store: the epoch order is a {@link createWindowPermutation}
 * (O(1) memory) and each batch reads only its own B windows.
 */
import type { Batch, BatchSource, EvalSet, Tokenizer } from '@normfree/core';
import type { BatchSampler } from './batch-sampler.js';
import { loadTokenizerJson } from './load-tokenizer-json.js';
import {
  bytesPerId,
  dtypeForVocabSize,
  shardFileName,
  tokenStoreFileNames,
  tokenStoreFormat,
  tokenStoreSplitNames,
  tokenStoreVersion,
  type TokenStoreDtype,
  type TokenStoreManifest,
  type TokenStoreShard,
  type TokenStoreSplit,
  type TokenStoreSplitName,
} from './token-store-format.js';
import { createWindowPermutation, epochSeed, type WindowPermutation } from './window-permutation.js';
import { describeJsonValue, isJsonObject, type JsonObject } from './json-value.js';

// ---------------------------------------------------------------------------------------------
// The manifest


/** Field readers that name the source, the field's path and the bad value. */
function fieldReaders(source: string) {
  const fail = (path: string, expected: string, value: unknown): never => {
    throw new Error(
      value === undefined
        ? `${source}: missing field "${path}" (${expected})`
        : `${source}: field "${path}" must be ${expected}, got ${describeJsonValue(value)}`,
    );
  };
  const object = (parent: JsonObject, key: string, path: string): JsonObject => {
    const value = parent[key];
    return isJsonObject(value) ? value : fail(path, 'an object', value);
  };
  const string = (parent: JsonObject, key: string, path: string): string => {
    const value = parent[key];
    return typeof value === 'string' ? value : fail(path, 'a string', value);
  };
  const sha256 = (parent: JsonObject, key: string, path: string): string => {
    const value = parent[key];
    return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : fail(path, 'a SHA-256 in lowercase hex (64 characters)', value);
  };
  const integer = (parent: JsonObject, key: string, path: string, minimum: number): number => {
    const value = parent[key];
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum
      ? value
      : fail(path, `an integer ≥ ${minimum}`, value);
  };
  const array = (parent: JsonObject, key: string, path: string): unknown[] => {
    const value = parent[key];
    return Array.isArray(value) ? value : fail(path, 'an array', value);
  };
  return { fail, object, string, sha256, integer, array };
}

/**
 * Parses and checks a store's `manifest.json`.
 *
 * Besides every field's type, checks that the numbers agree: each split's `windows` is the sum over
 * its shards; each shard's `bytes` = windows · seqLen · bytesPerId(dtype); every shard but a split's
 * last holds exactly `windowsPerShard` windows (the reader finds window i in shard ⌊i / windowsPerShard⌋);
 * shards are named `train/00000.bin`, … in order; `dtype` is the one `dtypeForVocabSize` picks.
 *
 * @param text - the file's text.
 * @param source - where it came from (a path or URL), named in every error.
 * @returns the manifest, typed.
 * @throws Error naming `source`, the field and its value; a newer `version` says the store was
 *   written by a newer normfree.
 */
export function parseTokenStoreManifest(text: string, source: string): TokenStoreManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const read = fieldReaders(source);
  if (!isJsonObject(json)) return read.fail('(root)', 'an object', json);
  if (json.format !== tokenStoreFormat) read.fail('format', `"${tokenStoreFormat}"`, json.format);
  const version = read.integer(json, 'version', 'version', 1);
  if (version > tokenStoreVersion) {
    throw new Error(
      `${source}: token store version ${version} was written by a newer normfree (this one reads version ` +
        `${tokenStoreVersion}); upgrade normfree or prepare the store again with this one`,
    );
  }
  const createdAt = read.string(json, 'createdAt', 'createdAt');
  const seqLen = read.integer(json, 'seqLen', 'seqLen', 1);
  const dtype = json.dtype;
  if (dtype !== 'uint16' && dtype !== 'uint32') read.fail('dtype', '"uint16" or "uint32"', dtype);
  const windowsPerShard = read.integer(json, 'windowsPerShard', 'windowsPerShard', 1);

  const tokenizerJson = read.object(json, 'tokenizer', 'tokenizer');
  const tokenizer = {
    name: read.string(tokenizerJson, 'name', 'tokenizer.name'),
    vocabSize: read.integer(tokenizerJson, 'vocabSize', 'tokenizer.vocabSize', 1),
    sha256: read.sha256(tokenizerJson, 'sha256', 'tokenizer.sha256'),
    ...(tokenizerJson.file === undefined ? {} : { file: read.string(tokenizerJson, 'file', 'tokenizer.file') }),
  };
  if (tokenizer.file !== undefined && tokenizer.file !== tokenStoreFileNames.tokenizer) {
    read.fail('tokenizer.file', `"${tokenStoreFileNames.tokenizer}" or absent`, tokenizer.file);
  }
  const expectedDtype = dtypeForVocabSize(tokenizer.vocabSize);
  if (dtype !== expectedDtype) {
    throw new Error(
      `${source}: field "dtype" is ${describeJsonValue(dtype)} but tokenizer.vocabSize ${tokenizer.vocabSize} needs "${expectedDtype}"`,
    );
  }
  const field = read.string(json, 'field', 'field');

  const ruleJson = read.object(json, 'splitRule', 'splitRule');
  let splitRule: TokenStoreManifest['splitRule'];
  if (ruleJson.kind === 'separate') {
    splitRule = { kind: 'separate' };
  } else if (ruleJson.kind === 'fraction') {
    const fraction = ruleJson.validationFraction;
    if (typeof fraction !== 'number' || !(fraction >= 0 && fraction < 1)) {
      read.fail('splitRule.validationFraction', 'a number in [0, 1)', fraction);
    }
    const seed = ruleJson.seed;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) read.fail('splitRule.seed', 'an integer', seed);
    splitRule = { kind: 'fraction', validationFraction: fraction as number, seed: seed as number };
  } else {
    return read.fail('splitRule.kind', '"fraction" or "separate"', ruleJson.kind);
  }

  const splitsJson = read.object(json, 'splits', 'splits');
  const windowBytes = seqLen * bytesPerId(dtype as TokenStoreDtype);
  const parseSplit = (name: TokenStoreSplitName): TokenStoreSplit => {
    const path = `splits.${name}`;
    const splitJson = read.object(splitsJson, name, path);
    const documents = read.integer(splitJson, 'documents', `${path}.documents`, 0);
    const tokens = read.integer(splitJson, 'tokens', `${path}.tokens`, 0);
    const windows = read.integer(splitJson, 'windows', `${path}.windows`, 0);
    const shardsJson = read.array(splitJson, 'shards', `${path}.shards`);
    let sum = 0;
    const shards = shardsJson.map((shardJson, index): TokenStoreShard => {
      const shardPath = `${path}.shards[${index}]`;
      if (!isJsonObject(shardJson)) return read.fail(shardPath, 'an object', shardJson);
      const file = read.string(shardJson, 'file', `${shardPath}.file`);
      if (file !== shardFileName(name, index)) read.fail(`${shardPath}.file`, `"${shardFileName(name, index)}"`, file);
      const shardWindows = read.integer(shardJson, 'windows', `${shardPath}.windows`, 1);
      const isLast = index === shardsJson.length - 1;
      if (isLast ? shardWindows > windowsPerShard : shardWindows !== windowsPerShard) {
        throw new Error(
          `${source}: field "${shardPath}.windows" is ${shardWindows}, but ` +
            (isLast
              ? `a shard holds at most windowsPerShard ${windowsPerShard}`
              : `every shard but a split's last must hold exactly windowsPerShard ${windowsPerShard} windows`),
        );
      }
      const bytes = read.integer(shardJson, 'bytes', `${shardPath}.bytes`, 0);
      if (bytes !== shardWindows * windowBytes) {
        throw new Error(
          `${source}: field "${shardPath}.bytes" is ${bytes}, but ${shardWindows} windows × seqLen ${seqLen} × ` +
            `${bytesPerId(dtype as TokenStoreDtype)} bytes (${String(dtype)}) = ${shardWindows * windowBytes}`,
        );
      }
      sum += shardWindows;
      return { file, windows: shardWindows, bytes, sha256: read.sha256(shardJson, 'sha256', `${shardPath}.sha256`) };
    });
    if (windows !== sum) {
      throw new Error(`${source}: field "${path}.windows" is ${windows}, but its shards hold ${sum} windows`);
    }
    return { documents, tokens, windows, shards };
  };
  const splits = { train: parseSplit('train'), validation: parseSplit('validation') };

  const sources = read.array(json, 'sources', 'sources').map((sourceJson, index) => {
    const path = `sources[${index}]`;
    if (!isJsonObject(sourceJson)) return read.fail(path, 'an object', sourceJson);
    const role = sourceJson.role;
    if (role !== 'input' && role !== 'validation') read.fail(`${path}.role`, '"input" or "validation"', role);
    const format = sourceJson.format;
    if (format !== 'jsonl' && format !== 'jsonl.gz' && format !== 'parquet') {
      read.fail(`${path}.format`, '"jsonl", "jsonl.gz" or "parquet"', format);
    }
    return {
      path: read.string(sourceJson, 'path', `${path}.path`),
      role: role as 'input' | 'validation',
      format: format as 'jsonl' | 'jsonl.gz' | 'parquet',
      bytes: read.integer(sourceJson, 'bytes', `${path}.bytes`, 0),
      documents: read.integer(sourceJson, 'documents', `${path}.documents`, 0),
    };
  });
  const skippedFiles = read.array(json, 'skippedFiles', 'skippedFiles').map((skippedJson, index) => {
    const path = `skippedFiles[${index}]`;
    if (!isJsonObject(skippedJson)) return read.fail(path, 'an object', skippedJson);
    return { path: read.string(skippedJson, 'path', `${path}.path`), reason: read.string(skippedJson, 'reason', `${path}.reason`) };
  });
  const limitsJson = read.object(json, 'limits', 'limits');
  const limits = {
    ...(limitsJson.maxFiles === undefined ? {} : { maxFiles: read.integer(limitsJson, 'maxFiles', 'limits.maxFiles', 1) }),
    ...(limitsJson.maxTokens === undefined ? {} : { maxTokens: read.integer(limitsJson, 'maxTokens', 'limits.maxTokens', 1) }),
  };

  return {
    format: tokenStoreFormat,
    version: tokenStoreVersion,
    createdAt,
    seqLen,
    dtype: dtype as TokenStoreDtype,
    windowsPerShard,
    tokenizer,
    field,
    splitRule,
    splits,
    sources,
    skippedFiles,
    limits,
  };
}

// ---------------------------------------------------------------------------------------------
// Window sources

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
export function windowLocation(manifest: Pick<TokenStoreManifest, 'seqLen' | 'dtype' | 'windowsPerShard'>, index: number): WindowLocation {
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
export function windowRuns(manifest: Pick<TokenStoreManifest, 'seqLen' | 'dtype' | 'windowsPerShard'>, indices: ArrayLike<number>): WindowRun[] {
  const windowBytes = manifest.seqLen * bytesPerId(manifest.dtype);
  const runs: WindowRun[] = [];
  for (let start = 0; start < indices.length; ) {
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
    const ids = dtype === 'uint16' ? new Uint16Array(bytes.buffer, bytes.byteOffset, count) : new Uint32Array(bytes.buffer, bytes.byteOffset, count);
    into.set(ids, offset);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) into[offset + i] = width === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
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
export function createMemoryWindowReader(tokens: Int32Array | Uint16Array | Uint32Array, seqLen: number, source = 'windows in memory'): WindowReader {
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

// ---------------------------------------------------------------------------------------------
// Sampling

/** Options of {@link createStoreBatchSampler}. */
export interface StoreBatchSamplerOptions {
  /** The training windows (a store's `split('train')`). */
  windows: WindowReader;
  /** Windows per batch (B). */
  batchSize: number;
  /** Shuffle seed; each epoch's order is derived from (seed, epoch). */
  seed: number;
}

/** The order arithmetic both store samplers share, so Node and browser see the same batches. */
export interface StoreBatchOrder {
  readonly batchesPerEpoch: number;
  epochOf(step: number): number;
  /** The window indices of `step`'s batch, in row order (a new array). */
  indicesAt(step: number): Uint32Array;
}

/**
 * The batch order of a store sampler: epoch e visits the windows in the order of
 * {@link createWindowPermutation} seeded by `epochSeed(seed, e)`; step s takes positions
 * [(s mod ⌊N/B⌋)·B, … + B) of epoch ⌊s / ⌊N/B⌋⌋'s order.
 *
 * @param count - N, the windows.
 * @param batchSize - B.
 * @param seed - the shuffle seed.
 * @param seqLen - T, named in the too-few-windows error.
 * @param caller - named in errors (with `source`).
 * @param source - what the windows are, e.g. `/data/store (train)`.
 * @throws Error naming a bad batchSize, or both numbers and `source` if N < B.
 */
export function createStoreBatchOrder(count: number, seqLen: number, batchSize: number, seed: number, caller: string, source: string): StoreBatchOrder {
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`${caller}: batchSize ${String(batchSize)} must be a positive integer`);
  }
  if (!Number.isSafeInteger(seed)) throw new Error(`${caller}: seed ${String(seed)} must be an integer`);
  if (count < batchSize) {
    throw new Error(`${caller}: ${source} has ${count} windows of ${seqLen} tokens, fewer than one batch of ${batchSize}`);
  }
  const batchesPerEpoch = Math.floor(count / batchSize);
  let permutation: WindowPermutation | undefined;
  let permutationEpoch = -1;
  const epochOf = (step: number): number => {
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new Error(`BatchSource.batchAt: step ${String(step)} must be a non-negative integer`);
    }
    return Math.floor(step / batchesPerEpoch);
  };
  return {
    batchesPerEpoch,
    epochOf,
    indicesAt(step) {
      const epoch = epochOf(step);
      if (epoch !== permutationEpoch) {
        permutation = createWindowPermutation(count, epochSeed(seed, epoch));
        permutationEpoch = epoch;
      }
      const first = (step % batchesPerEpoch) * batchSize;
      const indices = new Uint32Array(batchSize);
      for (let row = 0; row < batchSize; row++) indices[row] = permutation!.at(first + row);
      return indices;
    },
  };
}

/**
 * Creates the training batch source over a store's windows. Epoch e visits the windows in a seeded
 * permutation of (seed, e) computed in O(1) memory ({@link createWindowPermutation}); step s takes
 * batch s mod ⌊N/B⌋ of epoch ⌊s / ⌊N/B⌋⌋; the N mod B windows left at an epoch's end are skipped
 * that epoch (a different set each epoch). `batchAt(step)` is a pure function of (seed, step): a
 * resumed run sees exactly the batches an uninterrupted one would.
 *
 * The order is not `createBatchSampler`'s (a Fisher–Yates shuffle that needs N numbers per epoch), so
 * a store and the embedded corpus give different batches for the same seed.
 *
 * @param options - windows, batchSize, seed.
 * @returns a `BatchSource` whose batches are new Int32Arrays (the caller owns them).
 * @throws Error naming both numbers and the store's split if there are fewer windows than one
 *   batch, or naming a bad batchSize; `batchAt` throws naming a bad step.
 */
export function createStoreBatchSampler(options: StoreBatchSamplerOptions): BatchSampler {
  const { windows, batchSize, seed } = options;
  const { seqLen } = windows;
  const order = createStoreBatchOrder(windows.count, seqLen, batchSize, seed, 'createStoreBatchSampler', windows.source ?? 'the store');
  return {
    specificationVersion: 'v1',
    batchSize,
    seqLen,
    numWindows: windows.count,
    batchesPerEpoch: order.batchesPerEpoch,
    epochOf: order.epochOf,
    batchAt(step): Batch {
      const inputIds = new Int32Array(batchSize * seqLen); // (B, T) row-major
      windows.readWindows(order.indicesAt(step), inputIds);
      return { inputIds, batchSize, seqLen };
    },
  } satisfies BatchSource & BatchSampler;
}

/**
 * An evaluation set over a store's windows in store order (the order prepare wrote them), every
 * window once; each batch is read when the iteration reaches it.
 *
 * @param windows - the validation windows (a store's `split('validation')`).
 * @returns an `EvalSet`; `batches(B)` yields ⌈N / B⌉ batches of new Int32Arrays, the last one
 *   smaller when B does not divide N, and throws naming a bad B.
 */
export function createStoreEvalSet(windows: WindowReader): EvalSet {
  const { seqLen, count } = windows;
  return {
    specificationVersion: 'v1',
    seqLen,
    numWindows: count,
    *batches(batchSize): Generator<Batch> {
      if (!Number.isInteger(batchSize) || batchSize <= 0) {
        throw new Error(`EvalSet.batches: batchSize ${String(batchSize)} must be a positive integer`);
      }
      for (let start = 0; start < count; start += batchSize) {
        const rows = Math.min(batchSize, count - start);
        const indices = Uint32Array.from({ length: rows }, (_, row) => start + row);
        const inputIds = new Int32Array(rows * seqLen); // (rows, T)
        windows.readWindows(indices, inputIds);
        yield { inputIds, batchSize: rows, seqLen };
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The tokenizer

/** What a reader found for the store's tokenizer. */
export interface StoreTokenizerFound {
  /** Where it was looked for, named in errors (the tokenizer.json path or URL, or the store). */
  readonly source: string;
  /** tokenizer.json's text, or undefined when the manifest names no file (the built-in gpt2). */
  readonly text: string | undefined;
  /** SHA-256 (hex) of tokenizer.json's bytes, or of `gpt2TokenizerIdentity` when there is no file. */
  readonly sha256: string;
}

/**
 * The tokenizer a store's ids belong to, after checking its identity against the manifest: the
 * store's `tokenizer.json`, or the built-in GPT-2 tokenizer when the manifest names no file.
 *
 * @param manifest - the store's manifest.
 * @param found - what the reader read (see {@link StoreTokenizerFound}).
 * @returns the tokenizer; its vocabSize is the manifest's.
 * @throws Error naming both hashes if the tokenizer is not the one the ids came from, or both sizes
 *   if its vocabulary differs from the manifest's.
 */
export async function tokenizerForStore(manifest: TokenStoreManifest, found: StoreTokenizerFound): Promise<Tokenizer> {
  const expected = manifest.tokenizer.sha256;
  if (found.sha256 !== expected) {
    throw new Error(
      found.text === undefined
        ? `${found.source}: the store has no ${tokenStoreFileNames.tokenizer} and its tokenizer "${manifest.tokenizer.name}" ` +
            `(sha256 ${expected}) is not the built-in gpt2 (sha256 ${found.sha256})`
        : `${found.source}: sha256 ${found.sha256}, but manifest.json records tokenizer sha256 ${expected}: ` +
            `the ids in the store do not belong to this tokenizer (was ${tokenStoreFileNames.tokenizer} replaced?)`,
    );
  }
  let tokenizer: Tokenizer;
  if (found.text === undefined) {
    // Loaded on demand: GPT-2's ranks are most of this package's browser bundle.
    const { createGpt2Tokenizer } = await import('./gpt2-tokenizer.js');
    tokenizer = createGpt2Tokenizer();
  } else {
    tokenizer = loadTokenizerJson(found.text, { source: found.source });
  }
  if (tokenizer.vocabSize !== manifest.tokenizer.vocabSize) {
    throw new Error(
      `${found.source}: the tokenizer has vocabSize ${tokenizer.vocabSize}, but manifest.json records ${manifest.tokenizer.vocabSize}`,
    );
  }
  return tokenizer;
}
