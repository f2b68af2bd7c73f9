import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteBatchSampler, loadRemoteEvalSet, openRemoteTokenStore } from '../remote-token-store.js';
import { createStoreBatchSampler, createStoreEvalSet } from '../token-store-sampler.js';
import { defaultAssetPaths } from './default-corpus.js';
import { ensureDefaultTokenStore, writeDefaultTokenStore } from './default-store.js';
import { openTokenStore } from './token-store.js';

/** What fixtures/reference-laptop/results.json records of the windows the reference runs trained on. */
interface ReferenceData {
  readonly train_windows: number;
  readonly val_windows: number;
  readonly train_sha256: string;
  readonly val_sha256: string;
}

const referencePath = new URL('../../../../fixtures/reference-laptop/results.json', import.meta.url);

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'normfree-default-store-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the embedded corpus as a token store', () => {
  it("should hold exactly the reference runs' training and validation windows", async () => {
    const reference = (JSON.parse(await readFile(referencePath, 'utf8')) as { data: ReferenceData }).data;
    const store = await openTokenStore(await ensureDefaultTokenStore());
    try {
      const { manifest } = store;
      expect([manifest.splits.train.windows, manifest.splits.validation.windows]).toEqual([
        reference.train_windows,
        reference.val_windows,
      ]);
      expect([manifest.splits.train.documents, manifest.splits.validation.documents]).toEqual([606, 32]);
      // The windows' ids as little-endian uint16 in store order: the fixture README's definition.
      for (const [split, expected] of [
        ['train', reference.train_sha256],
        ['validation', reference.val_sha256],
      ] as const) {
        expect(manifest.splits[split].shards).toHaveLength(1);
        expect(sha256(await readFile(join(store.dir, manifest.splits[split].shards[0]!.file)))).toBe(expected);
      }
      const sampler = createStoreBatchSampler({ windows: store.split('train'), batchSize: 8, seed: 0 });
      expect(sampler.batchAt(1000).inputIds).toHaveLength(8 * 128);
      expect(createStoreEvalSet(store.split('validation')).numWindows).toBe(reference.val_windows);
    } finally {
      store.close();
    }
  });

  it('should write the same bytes whatever the thread count (the manifest hash is machine-independent)', async () => {
    const outDir = join(work, 'rebuilt');
    await writeDefaultTokenStore({ outDir, workers: 0 });
    const files = async (dir: string): Promise<string[]> =>
      (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
        .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
        .sort();
    const prebuilt = await ensureDefaultTokenStore();
    expect(prebuilt).toBe(defaultAssetPaths.store);
    expect(await files(outDir)).toEqual(await files(prebuilt));
    for (const file of await files(prebuilt)) {
      expect(sha256(await readFile(join(outDir, file))), file).toBe(sha256(await readFile(join(prebuilt, file))));
    }
  });

  it('should prepare another window length once into the cache folder, even when asked twice at once', async () => {
    const cacheDir = join(work, 'cache');
    const [first, second] = await Promise.all([
      ensureDefaultTokenStore({ seqLen: 512, cacheDir }),
      ensureDefaultTokenStore({ seqLen: 512, cacheDir }),
    ]);
    expect(first).toBe(second);
    expect(first.startsWith(join(cacheDir, 'default-stores', 'default-4096-t512-'))).toBe(true);
    expect((await readdir(join(cacheDir, 'default-stores'))).length).toBe(1); // no partial copy left
    const store = await openTokenStore(first);
    try {
      expect(store.manifest.seqLen).toBe(512);
      expect(store.manifest.createdAt).toBe('2024-01-01T00:00:00.000Z');
      expect(store.manifest.splits.validation.documents).toBe(32);
    } finally {
      store.close();
    }
  });

  it("should prepare the gpt2 presets' store with the same split and GPT-2's ids", async () => {
    const store = await openTokenStore(
      await ensureDefaultTokenStore({ tokenizer: 'gpt2', cacheDir: join(work, 'cache') }),
    );
    try {
      const { manifest } = store;
      expect(manifest.tokenizer).toMatchObject({ name: 'gpt2', vocabSize: 50257 });
      expect(manifest.tokenizer.file).toBeUndefined(); // the built-in tokenizer, checked by its identity hash
      expect([manifest.splits.train.documents, manifest.splits.validation.documents]).toEqual([606, 32]);
      const tokenizer = await store.loadTokenizer();
      const [batch] = createStoreEvalSet(store.split('validation')).batches(1);
      expect(tokenizer.decode(batch!.inputIds).length).toBeGreaterThan(128); // Python text, ≈ 2 bytes per GPT-2 token
    } finally {
      store.close();
    }
  }, 120_000);

  it('should give the same batches read from disk and over HTTP range requests (Node and browser paths)', async () => {
    const dir = await ensureDefaultTokenStore();
    // A static file server answering single byte ranges, as the playground's server and object stores do.
    const server = createServer((request, response) => {
      void readFile(join(dir, decodeURIComponent(request.url ?? '/').slice(1))).then(
        (body) => {
          const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
          if (range === null) return void response.writeHead(200).end(body);
          const [start, end] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
          response
            .writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${body.length}` })
            .end(body.subarray(start, end + 1));
        },
        () => void response.writeHead(404).end(),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const local = await openTokenStore(dir);
    try {
      const address = server.address() as { port: number };
      const remote = await openRemoteTokenStore(`http://127.0.0.1:${address.port}/`);
      expect(remote.manifestSha256).toBe(local.manifestSha256);
      const batchSize = 32;
      const seed = 1337;
      const onDisk = createStoreBatchSampler({ windows: local.split('train'), batchSize, seed });
      const overHttp = createRemoteBatchSampler({ windows: remote.split('train'), batchSize, seed });
      // The first steps, and steps across the first epoch boundary (713 batches of 32 per epoch).
      for (const step of [0, 1, 2, 3, 4, 5, 6, 7, onDisk.batchesPerEpoch - 1, onDisk.batchesPerEpoch]) {
        await overHttp.load(step);
        expect(overHttp.batchAt(step).inputIds, `step ${step}`).toEqual(onDisk.batchAt(step).inputIds);
      }
      const remoteEval = await loadRemoteEvalSet(remote.split('validation'), { maxWindows: 64 });
      const localEval = createStoreEvalSet(local.split('validation'));
      expect([...remoteEval.batches(16)].map((batch) => batch.inputIds)).toEqual(
        [...localEval.batches(16)].slice(0, 4).map((batch) => batch.inputIds),
      );
    } finally {
      local.close();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('should refuse a tokenizer or window length it cannot prepare, naming the value', async () => {
    await expect(ensureDefaultTokenStore({ tokenizer: 'llama' as 'gpt2' })).rejects.toThrow(
      'tokenizer "llama" must be "default-4096" or "gpt2"',
    );
    await expect(ensureDefaultTokenStore({ seqLen: 0 })).rejects.toThrow('seqLen must be a positive integer, got 0');
  });
});
