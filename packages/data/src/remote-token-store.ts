/**
 * Reading a token store over HTTP (browser-safe, no Node imports): the manifest is fetched once and
 * windows are fetched with `Range: bytes=a-b` requests on the shard files, so a browser trains on a
 * store of any size served by any static file server that supports range requests.
 *
 * Batches come in the same order as `createStoreBatchSampler`'s in Node (the same seed gives the
 * same batches); since fetching is asynchronous, the sampler implements core's optional
 * `BatchSource.load(step)`, which the trainer awaits before `batchAt(step)`.
 */
import { checkInteger } from '@normfree/core';
import type { Batch, EvalSet, Tokenizer } from '@normfree/core';
import {
  bytesPerId,
  gpt2TokenizerIdentity,
  tokenStoreFileNames,
  type TokenStoreManifest,
  type TokenStoreSplitName,
} from './token-store-format.js';
import { parseTokenStoreManifest } from './token-store-manifest.js';
import { createStoreBatchOrder, createStoreEvalSet, type BatchSampler } from './token-store-sampler.js';
import { tokenizerForStore } from './token-store-tokenizer.js';
import {
  checkSplitName,
  checkWindowIndices,
  createMemoryWindowReader,
  decodeTokenIds,
  windowRuns,
} from './token-store-windows.js';

/** The `fetch` this module needs (the global one, or a stand-in for tests). */
export type FetchFunction = (input: string, init?: { headers?: Record<string, string> }) => Promise<Response>;

/** Options of {@link openRemoteTokenStore}. */
export interface OpenRemoteTokenStoreOptions {
  /** Defaults to `globalThis.fetch`. */
  fetch?: FetchFunction;
  /** Range requests in flight at once per `readWindows` call (default 6, a browser's per-host limit). */
  maxParallelRequests?: number;
}

/** A split's windows over HTTP. */
export interface RemoteWindowReader {
  readonly count: number;
  readonly seqLen: number;
  /** The split's URL prefix, for error messages, e.g. `https://host/store/ (train)`. */
  readonly source: string;
  /**
   * Fetches windows `indices[k]` into row k of a new Int32Array (K·T ids). Windows adjacent in one
   * shard share a request; requests run in parallel.
   *
   * @throws Error naming a bad index, or the URL of a request that failed or whose server ignored
   *   the Range header.
   */
  readWindows(indices: ArrayLike<number>): Promise<Int32Array>;
}

/** A token store served over HTTP. */
export interface RemoteTokenStore {
  /** The store's URL, ending in `/`. */
  readonly baseUrl: string;
  readonly manifest: TokenStoreManifest;
  /** SHA-256 (hex) of `manifest.json`'s bytes: the store's identity, as the Node reader's `manifestSha256`. */
  readonly manifestSha256: string;
  /** A split's windows. @throws Error naming a split other than `train` / `validation`. */
  split(name: TokenStoreSplitName): RemoteWindowReader;
  /**
   * The tokenizer the ids came from: `tokenizer.json` fetched and its SHA-256 (Web Crypto) checked
   * against the manifest, or the built-in GPT-2 tokenizer when the manifest names no file.
   */
  loadTokenizer(): Promise<Tokenizer>;
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Runs `tasks` with at most `limit` in flight; rejects with the first failure. */
async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/**
 * Opens a token store served over HTTP (a folder written by `normfree prepare`, served as is).
 *
 * @param baseUrl - the store folder's URL (a trailing `/` is added when missing).
 * @param options - fetch, maxParallelRequests.
 * @returns the store.
 * @throws Error naming the manifest URL if it cannot be fetched or parsed.
 * @example
 * ```ts
 * const store = await openRemoteTokenStore('https://example.org/stores/codeparrot-128/');
 * const batches = createRemoteBatchSampler({ windows: store.split('train'), batchSize: 8, seed: 0 });
 * await batches.load(0);
 * const batch = batches.batchAt(0);
 * ```
 */
export async function openRemoteTokenStore(
  baseUrl: string | URL,
  options: OpenRemoteTokenStoreOptions = {},
): Promise<RemoteTokenStore> {
  const fetchFunction: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const maxParallel = checkInteger('openRemoteTokenStore: maxParallelRequests', options.maxParallelRequests ?? 6, {
    min: 1,
  });
  const base = String(baseUrl).endsWith('/') ? String(baseUrl) : `${String(baseUrl)}/`;
  const urlOf = (file: string): string => new URL(file, base).href;

  const get = async (url: string, what: string): Promise<Response> => {
    let response: Response;
    try {
      response = await fetchFunction(url);
    } catch (error) {
      throw new Error(`${url}: cannot fetch the store's ${what} (${(error as Error).message})`);
    }
    if (!response.ok) {
      if (response.status === 404 && what === tokenStoreFileNames.manifest) {
        throw new Error(
          `${url}: HTTP 404; ${base} is not a token store, or its prepare has not finished (no ${tokenStoreFileNames.manifest})`,
        );
      }
      throw new Error(`${url}: HTTP ${response.status} ${response.statusText} fetching the store's ${what}`);
    }
    return response;
  };

  const manifestUrl = urlOf(tokenStoreFileNames.manifest);
  const manifestBytes = new Uint8Array(await (await get(manifestUrl, tokenStoreFileNames.manifest)).arrayBuffer());
  const manifest = parseTokenStoreManifest(new TextDecoder().decode(manifestBytes), manifestUrl);
  const manifestSha256 = await sha256Hex(manifestBytes);
  const { seqLen, dtype } = manifest;
  const windowBytes = seqLen * bytesPerId(dtype);

  /** Fetches bytes [start, end) of a shard, insisting on a 206 of exactly that length. */
  const fetchRange = async (url: string, start: number, end: number): Promise<Uint8Array> => {
    const range = `bytes=${start}-${end - 1}`;
    let response: Response;
    try {
      response = await fetchFunction(url, { headers: { Range: range } });
    } catch (error) {
      throw new Error(`${url}: range request ${range} failed (${(error as Error).message})`);
    }
    if (response.status === 200) {
      // Don't download a whole shard that the server sends instead of the range.
      await response.body?.cancel();
      throw new Error(
        `${url}: the server answered 200 (the whole file) to a Range request (${range}); a token store must be served by a server that supports HTTP range requests (206 Partial Content)`,
      );
    }
    if (response.status !== 206) {
      throw new Error(`${url}: HTTP ${response.status} ${response.statusText} for range request ${range}`);
    }
    const contentRange = response.headers.get('content-range');
    if (contentRange !== null && !contentRange.startsWith(`bytes ${start}-${end - 1}/`)) {
      throw new Error(`${url}: asked for ${range}, the server sent Content-Range "${contentRange}"`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength !== end - start) {
      throw new Error(`${url}: range request ${range} returned ${bytes.byteLength} bytes, expected ${end - start}`);
    }
    return bytes;
  };

  const split = (name: TokenStoreSplitName): RemoteWindowReader => {
    const splitName = checkSplitName(name, base);
    const { windows: count, shards } = manifest.splits[splitName];
    const source = `${base} (${splitName})`;
    return {
      count,
      seqLen,
      source,
      async readWindows(indices) {
        checkWindowIndices(indices, count, source);
        const into = new Int32Array(indices.length * seqLen);
        // Distinct windows in index order, then runs of adjacent windows within one shard.
        const rowsOf = new Map<number, number[]>();
        for (let row = 0; row < indices.length; row++) {
          const rows = rowsOf.get(indices[row]!);
          if (rows === undefined) rowsOf.set(indices[row]!, [row]);
          else rows.push(row);
        }
        const sorted = [...rowsOf.keys()].sort((left, right) => left - right);
        const tasks = windowRuns(manifest, sorted).map((run) => async () => {
          const bytes = await fetchRange(urlOf(shards[run.shard]!.file), run.byteOffset, run.byteOffset + run.bytes);
          for (let k = run.start; k < run.end; k++) {
            const windowBytesOf = bytes.subarray((k - run.start) * windowBytes, (k - run.start + 1) * windowBytes);
            for (const row of rowsOf.get(sorted[k]!)!) decodeTokenIds(windowBytesOf, dtype, into, row * seqLen);
          }
        });
        await runLimited(tasks, maxParallel);
        return into;
      },
    };
  };

  return {
    baseUrl: base,
    manifestSha256,
    manifest,
    split,
    async loadTokenizer() {
      const { file } = manifest.tokenizer;
      if (file === undefined) {
        const identity = await sha256Hex(new TextEncoder().encode(gpt2TokenizerIdentity));
        return tokenizerForStore(manifest, { source: base, text: undefined, sha256: identity });
      }
      const url = urlOf(file);
      const bytes = new Uint8Array(await (await get(url, file)).arrayBuffer());
      return tokenizerForStore(manifest, {
        source: url,
        text: new TextDecoder().decode(bytes),
        sha256: await sha256Hex(bytes),
      });
    },
  };
}

/** Options of {@link createRemoteBatchSampler}. */
export interface RemoteBatchSamplerOptions {
  /** The training windows (a remote store's `split('train')`). */
  windows: RemoteWindowReader;
  /** Windows per batch (B). */
  batchSize: number;
  /** Shuffle seed: the same seed as `createStoreBatchSampler` gives the same batches. */
  seed: number;
}

/** A batch sampler whose `load(step)` must resolve before `batchAt(step)`. */
export interface RemoteBatchSampler extends BatchSampler {
  /** Fetches step's windows (and starts fetching step + 1's); resolves when `batchAt(step)` can answer. */
  load(step: number): Promise<void>;
}

/**
 * Creates the training batch source over a remote store: the order of `createStoreBatchSampler`
 * (a seeded O(1)-memory permutation per epoch), fetched a step ahead.
 *
 * `load(step)` fetches step's batch into a small cache (steps before it are dropped) and starts
 * fetching step + 1, so with the trainer awaiting `load` before every `batchAt`, the next batch
 * downloads while the current one trains. A failed fetch is not cached: the next `load` retries.
 *
 * @param options - windows, batchSize, seed.
 * @returns the sampler; `batchAt(step)` returns a new Int32Array (the caller owns it).
 * @throws Error naming both numbers and the store's split if there are fewer windows than one
 *   batch, or a bad batchSize; `batchAt` throws naming a step that was not loaded.
 */
export function createRemoteBatchSampler(options: RemoteBatchSamplerOptions): RemoteBatchSampler {
  const { windows, batchSize, seed } = options;
  const { seqLen } = windows;
  const order = createStoreBatchOrder(
    windows.count,
    seqLen,
    batchSize,
    seed,
    'createRemoteBatchSampler',
    windows.source,
  );

  interface Entry {
    promise: Promise<Int32Array>;
    ids?: Int32Array;
  }
  const cache = new Map<number, Entry>();
  const fetchStep = (step: number): Entry => {
    let entry = cache.get(step);
    if (entry === undefined) {
      const created: Entry = {
        promise: windows.readWindows(order.indicesAt(step)).then(
          (ids) => (created.ids = ids),
          (error: unknown) => {
            if (cache.get(step) === created) cache.delete(step); // let a later load retry
            throw error;
          },
        ),
      };
      entry = created;
      cache.set(step, entry);
    }
    return entry;
  };

  return {
    specificationVersion: 'v1',
    batchSize,
    seqLen,
    numWindows: windows.count,
    batchesPerEpoch: order.batchesPerEpoch,
    epochOf: order.epochOf,
    async load(step) {
      order.epochOf(step); // names a bad step
      for (const cached of cache.keys()) if (cached < step || cached > step + 1) cache.delete(cached);
      const entry = fetchStep(step);
      // Prefetch the next step; its failure surfaces when that step is loaded.
      fetchStep(step + 1).promise.catch(() => undefined);
      await entry.promise;
    },
    batchAt(step): Batch {
      order.epochOf(step);
      const ids = cache.get(step)?.ids;
      if (ids === undefined) {
        throw new Error(
          `createRemoteBatchSampler: batchAt(${step}) before load(${step}) resolved; the windows are fetched over HTTP, await load(step) first`,
        );
      }
      return { inputIds: ids.slice(), batchSize, seqLen };
    },
  };
}

/**
 * Fetches the first `maxWindows` windows of a remote split (in store order) into memory as an
 * evaluation set: evaluation iterates its windows many times, so they are fetched once.
 *
 * @param windows - the validation windows (a remote store's `split('validation')`).
 * @param options.maxWindows - at most this many windows (default: all).
 * @returns an in-memory `EvalSet` (like `createStoreEvalSet`).
 * @throws Error naming a bad maxWindows.
 */
export async function loadRemoteEvalSet(
  windows: RemoteWindowReader,
  options: { maxWindows?: number } = {},
): Promise<EvalSet> {
  const maxWindows = checkInteger('loadRemoteEvalSet: maxWindows', options.maxWindows ?? windows.count, { min: 0 });
  const count = Math.min(maxWindows, windows.count);
  const ids = await windows.readWindows(Uint32Array.from({ length: count }, (_, index) => index));
  return createStoreEvalSet(createMemoryWindowReader(ids, windows.seqLen, windows.source));
}
