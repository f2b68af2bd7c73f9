import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTokenStore } from './node/token-store.js';
import { createRemoteBatchSampler, loadRemoteEvalSet, openRemoteTokenStore } from './remote-token-store.js';
import { createTinyTokenizer, numberedTestWindows, writeTestTokenStore } from './testing/index.js';
import { createStoreBatchSampler } from './token-store-sampler.js';

/** A static file server over `root` with `Range: bytes=a-b` support, recording every request. */
interface TestServer {
  url: string;
  requests: { path: string; range: string | undefined }[];
  /** When true, Range headers are ignored (200 with the whole file), like a naive server. */
  ignoreRange: boolean;
  close(): Promise<void>;
}

async function startServer(root: string): Promise<TestServer> {
  const state: Pick<TestServer, 'requests' | 'ignoreRange'> = { requests: [], ignoreRange: false };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = normalize(decodeURIComponent(new URL(request.url!, 'http://x').pathname));
      const range = request.headers.range;
      state.requests.push({ path, range });
      let bytes: Buffer;
      try {
        bytes = await readFile(join(root, path));
      } catch {
        response.writeHead(404).end('not found');
        return;
      }
      const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
      if (match === null || state.ignoreRange) {
        response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
        return;
      }
      const start = Number(match[1]);
      const end = Math.min(Number(match[2]), bytes.length - 1);
      response
        .writeHead(206, { 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': end - start + 1 })
        .end(bytes.subarray(start, end + 1));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/store`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  });
}

let root: string;
let server: TestServer;
const seqLen = 8;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'normfree-remote-'));
  await writeTestTokenStore(join(root, 'store'), {
    // Window w holds ids w·8 … w·8 + 7, all below the tiny tokenizer's 300 (train 0–36, validation 20–28).
    train: numberedTestWindows(37, seqLen, 300),
    validation: numberedTestWindows(9, seqLen, 300, 20),
    seqLen,
    vocabSize: 300,
    windowsPerShard: 5,
    tokenizerJsonText: JSON.stringify(createTinyTokenizer({ vocabSize: 300 }).toTokenizerJson()),
  });
  server = await startServer(root);
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.ignoreRange = false;
});

const windowIdsOf = (ids: Int32Array): number[] =>
  Array.from({ length: ids.length / seqLen }, (_, row) => ids[row * seqLen]! / seqLen);

describe('openRemoteTokenStore', () => {
  it('should fetch windows with range requests, one per run of adjacent windows in a shard, in the order asked', async () => {
    const store = await openRemoteTokenStore(server.url); // no trailing slash: added
    expect(store.baseUrl).toBe(`${server.url}/`);
    expect(store.manifest.splits.train.windows).toBe(37);
    server.requests.length = 0;
    const ids = await store.split('train').readWindows([12, 3, 4, 36, 5, 11, 4]);
    expect(windowIdsOf(ids)).toEqual([12, 3, 4, 36, 5, 11, 4]);
    expect(Array.from(ids.subarray(0, seqLen))).toEqual(
      Array.from({ length: seqLen }, (_, position) => 12 * seqLen + position),
    );
    // Runs: [3, 4] in shard 0, [5] in shard 1 (5 starts a shard), [11, 12] in shard 2, [36] in shard 7.
    expect(server.requests.map((request) => `${request.path} ${request.range}`).sort()).toEqual([
      `${normalize('/store/train/00000.bin')} bytes=48-79`,
      `${normalize('/store/train/00001.bin')} bytes=0-15`,
      `${normalize('/store/train/00002.bin')} bytes=16-47`,
      `${normalize('/store/train/00007.bin')} bytes=16-31`,
    ]);
  });

  it('should give the same batches as the Node sampler for the same seed', async () => {
    const remote = await openRemoteTokenStore(`${server.url}/`);
    const local = await openTokenStore(join(root, 'store'));
    try {
      const remoteSampler = createRemoteBatchSampler({ windows: remote.split('train'), batchSize: 4, seed: 11 });
      const localSampler = createStoreBatchSampler({ windows: local.split('train'), batchSize: 4, seed: 11 });
      expect(remoteSampler.batchesPerEpoch).toBe(localSampler.batchesPerEpoch);
      // the same identity on both sides: the hash of manifest.json's bytes
      expect(remote.manifestSha256).toBe(local.manifestSha256);
      for (const step of [0, 1, 2, 9, 10, 11, 40]) {
        await remoteSampler.load(step);
        expect(Array.from(remoteSampler.batchAt(step).inputIds)).toEqual(
          Array.from(localSampler.batchAt(step).inputIds),
        );
      }
    } finally {
      local.close();
    }
  });

  it('should prefetch the next step, and refuse batchAt for a step not loaded', async () => {
    const store = await openRemoteTokenStore(server.url);
    const sampler = createRemoteBatchSampler({ windows: store.split('train'), batchSize: 2, seed: 0 });
    expect(() => sampler.batchAt(0)).toThrow(/batchAt\(0\) before load\(0\) resolved/);
    await sampler.load(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the prefetch of step 1 land
    const requestsAfterLoad = server.requests.length;
    await sampler.load(1);
    expect(server.requests.length).toBeLessThanOrEqual(requestsAfterLoad + 2); // step 1 was cached; only step 2 is prefetched
    expect(sampler.batchAt(1).inputIds).toHaveLength(2 * seqLen);
    expect(() => sampler.batchAt(0)).toThrow(/batchAt\(0\) before load\(0\)/); // dropped from the cache
    await expect(sampler.load(-1)).rejects.toThrow(/step must be a non-negative integer, got -1/);
  });

  it('should name the store when it has fewer windows than one batch', async () => {
    const store = await openRemoteTokenStore(server.url);
    expect(() => createRemoteBatchSampler({ windows: store.split('validation'), batchSize: 10, seed: 0 })).toThrow(
      `createRemoteBatchSampler: ${server.url}/ (validation) has 9 windows of 8 tokens, fewer than one batch of 10`,
    );
  });

  it('should load the first validation windows into an in-memory eval set', async () => {
    const store = await openRemoteTokenStore(server.url);
    const evalSet = await loadRemoteEvalSet(store.split('validation'), { maxWindows: 7 });
    server.requests.length = 0;
    expect(evalSet.numWindows).toBe(7);
    expect([...evalSet.batches(3)].flatMap((batch) => windowIdsOf(batch.inputIds))).toEqual([
      20, 21, 22, 23, 24, 25, 26,
    ]);
    expect(server.requests).toHaveLength(0);
    expect((await loadRemoteEvalSet(store.split('validation'))).numWindows).toBe(9);
  });

  it('should load and check the tokenizer', async () => {
    const store = await openRemoteTokenStore(server.url);
    const tokenizer = await store.loadTokenizer();
    expect(tokenizer.vocabSize).toBe(300);
  });

  it('should refuse a server that ignores Range, naming the URL', async () => {
    const store = await openRemoteTokenStore(server.url);
    server.ignoreRange = true;
    await expect(store.split('train').readWindows([0])).rejects.toThrow(
      `${server.url}/train/00000.bin: the server answered 200 (the whole file) to a Range request (bytes=0-15); a token store must be served by a server that supports HTTP range requests (206 Partial Content)`,
    );
  });

  it('should name a missing manifest, a bad index and a failed request', async () => {
    await expect(openRemoteTokenStore(`${server.url}-absent`)).rejects.toThrow(
      /manifest\.json: HTTP 404; .*store-absent\/ is not a token store/,
    );
    const store = await openRemoteTokenStore(server.url);
    await expect(store.split('train').readWindows([37])).rejects.toThrow(
      `${server.url}/ (train): window index 37 must be an integer in [0, 37)`,
    );
    const failing = await openRemoteTokenStore(server.url, {
      fetch: async (input, init) =>
        init?.headers?.Range === undefined
          ? fetch(input)
          : new Response('gone', { status: 503, statusText: 'Service Unavailable' }),
    });
    await expect(failing.split('train').readWindows([0])).rejects.toThrow(
      `${server.url}/train/00000.bin: HTTP 503 Service Unavailable for range request bytes=0-15`,
    );
  });
});

describe('RemoteTokenStore.loadTokenizer', () => {
  it("should refuse a tokenizer.json whose SHA-256 differs from the manifest's", async () => {
    const folder = await mkdtemp(join(root, 'swapped-'));
    await writeTestTokenStore(folder, {
      train: numberedTestWindows(2, 2, 300),
      seqLen: 2,
      vocabSize: 300,
      windowsPerShard: 2,
      tokenizerJsonText: JSON.stringify(createTinyTokenizer().toTokenizerJson()),
    });
    await writeFile(
      join(folder, 'tokenizer.json'),
      JSON.stringify(createTinyTokenizer({ vocabSize: 299 }).toTokenizerJson()),
    );
    const base = `${server.url.replace(/store$/, '')}${folder.slice(root.length + 1)}/`;
    const store = await openRemoteTokenStore(base);
    await expect(store.loadTokenizer()).rejects.toThrow(
      /tokenizer\.json: sha256 [0-9a-f]{64}, but manifest\.json records tokenizer sha256 [0-9a-f]{64}: the ids in the store do not belong to this tokenizer/,
    );
  });
});

describe('RemoteTokenStore.loadTokenizer (gpt2)', () => {
  it('should give the built-in GPT-2 tokenizer for a store without tokenizer.json, checking its identity', async () => {
    const folder = await mkdtemp(join(root, 'gpt2-'));
    await writeTestTokenStore(folder, { train: [[15496, 995]], seqLen: 2, vocabSize: 50257, windowsPerShard: 2 });
    const store = await openRemoteTokenStore(`${server.url.replace(/store$/, '')}${folder.slice(root.length + 1)}`);
    expect((await store.loadTokenizer()).encode('Hello world')).toEqual([15496, 995]);
  });
});
