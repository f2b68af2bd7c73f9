import { mkdtemp, mkdir, readdir, readFile, readlink, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTinyTokenizer, numberedTestWindows, writeTestTokenStore } from '../testing/index.js';
import { createStoreBatchSampler, createStoreEvalSet } from '../token-store-sampler.js';
import { openTokenStore, tokenizerSha256, verifyTokenStore, type TokenStore } from './token-store.js';

let dir: string;
const opened: TokenStore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'normfree-store-'));
});
afterEach(async () => {
  for (const store of opened.splice(0)) store.close();
  await rm(dir, { recursive: true, force: true });
});
const open = async (options?: Parameters<typeof openTokenStore>[1]): Promise<TokenStore> => {
  const store = await openTokenStore(dir, options);
  opened.push(store);
  return store;
};

/** Files under `folder` this process holds open (Linux: /proc/self/fd). */
async function openFilesUnder(folder: string): Promise<number> {
  const targets = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((target) => target.startsWith(folder)).length;
}

/** Window ids of a (K, T) batch: window w starts with id w·T in numberedTestWindows. */
const windowIdsOf = (ids: Int32Array, seqLen: number): number[] =>
  Array.from({ length: ids.length / seqLen }, (_, row) => ids[row * seqLen]! / seqLen);

describe('openTokenStore', () => {
  it('should read windows across shard boundaries, in the order asked', async () => {
    // 10 windows of 4 in shards of 3, 3, 3, 1.
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(10, 4, 4096),
      validation: numberedTestWindows(2, 4, 4096, 10),
      seqLen: 4,
      vocabSize: 4096,
      windowsPerShard: 3,
    });
    const store = await open();
    const train = store.split('train');
    expect([train.count, train.seqLen, train.source]).toEqual([10, 4, `${dir} (train)`]);
    const into = new Int32Array(6 * 4);
    train.readWindows([9, 2, 3, 4, 0, 5], into);
    expect(windowIdsOf(into, 4)).toEqual([9, 2, 3, 4, 0, 5]);
    expect(Array.from(into.subarray(0, 4))).toEqual([36, 37, 38, 39]);
    const validation = new Int32Array(8);
    store.split('validation').readWindows([0, 1], validation);
    expect(windowIdsOf(validation, 4)).toEqual([10, 11]);
    expect(store.manifestSha256).toBe(tokenizerSha256(await readFile(join(dir, 'manifest.json'))));
  });

  it('should read uint32 stores', async () => {
    const windows = [
      [70_000, 1, 65_536],
      [2, 69_999, 0],
    ];
    await writeTestTokenStore(dir, { train: windows, seqLen: 3, vocabSize: 70_001, windowsPerShard: 1 });
    const store = await open();
    expect(store.manifest.dtype).toBe('uint32');
    const into = new Int32Array(6);
    store.split('train').readWindows([1, 0], into);
    expect(Array.from(into)).toEqual([2, 69_999, 0, 70_000, 1, 65_536]);
  });

  it('should keep at most maxOpenFiles shards open and read correctly past the cap, until close', async () => {
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(20, 2, 4096),
      seqLen: 2,
      vocabSize: 4096,
      windowsPerShard: 2,
    });
    const store = await open({ maxOpenFiles: 2 });
    const train = store.split('train');
    const into = new Int32Array(2);
    for (const index of [0, 5, 19, 0, 7, 12, 5]) {
      train.readWindows([index], into);
      expect(into[0]).toBe(index * 2);
      if (process.platform === 'linux') expect(await openFilesUnder(dir)).toBeLessThanOrEqual(2);
    }
    if (process.platform === 'linux') expect(await openFilesUnder(dir)).toBe(2);
    store.close();
    if (process.platform === 'linux') expect(await openFilesUnder(dir)).toBe(0);
    store.close();
    expect(() => train.readWindows([0], into)).toThrow(`${dir}: the token store is closed`);
  });

  it('should drive the store sampler and eval set', async () => {
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(25, 8, 4096),
      validation: numberedTestWindows(5, 8, 4096, 100),
      seqLen: 8,
      vocabSize: 4096,
      windowsPerShard: 4,
    });
    const store = await open();
    const sampler = createStoreBatchSampler({ windows: store.split('train'), batchSize: 6, seed: 1 });
    const epoch = Array.from({ length: 4 }, (_, step) => windowIdsOf(sampler.batchAt(step).inputIds, 8)).flat();
    expect(new Set(epoch).size).toBe(24);
    const evalSet = createStoreEvalSet(store.split('validation'));
    expect([...evalSet.batches(2)].flatMap((batch) => windowIdsOf(batch.inputIds, 8))).toEqual([
      100, 101, 102, 103, 104,
    ]);
    expect(() => createStoreBatchSampler({ windows: store.split('validation'), batchSize: 6, seed: 1 })).toThrow(
      `createStoreBatchSampler: ${dir} (validation) has 5 windows of 8 tokens, fewer than one batch of 6`,
    );
  });

  it('should name bad indices, a short destination and a bad split', async () => {
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(3, 2, 4096),
      seqLen: 2,
      vocabSize: 4096,
      windowsPerShard: 2,
    });
    const store = await open();
    expect(() => store.split('train').readWindows([3], new Int32Array(2))).toThrow(
      `${dir} (train): window index 3 must be an integer in [0, 3)`,
    );
    expect(() => store.split('train').readWindows([0, 1], new Int32Array(2))).toThrow(
      /needs an Int32Array of 4 ids, got 2/,
    );
    expect(() => store.split('test' as 'train')).toThrow(/split "test" must be one of train, validation/);
  });

  it('should tell an unfinished prepare, a folder that is not a store, and a missing folder apart', async () => {
    await mkdir(join(dir, '.prepare'));
    await expect(openTokenStore(dir)).rejects.toThrow(
      `${dir} is an unfinished prepare (no manifest.json yet): run the same \`normfree prepare\` command again to resume it`,
    );
    await rm(join(dir, '.prepare'), { recursive: true });
    await expect(openTokenStore(dir)).rejects.toThrow(`${dir} is not a token store (no manifest.json)`);
    await expect(openTokenStore(join(dir, 'absent'))).rejects.toThrow(
      /absent is not a token store \(the folder does not exist\)/,
    );
  });

  it('should name a missing or wrong-sized shard on open', async () => {
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(5, 2, 4096),
      seqLen: 2,
      vocabSize: 4096,
      windowsPerShard: 2,
    });
    await truncate(join(dir, 'train/00001.bin'), 5);
    await expect(openTokenStore(dir)).rejects.toThrow(/train[\\/]00001\.bin: shard has 5 bytes, manifest\.json says 8/);
    await rm(join(dir, 'train/00002.bin'));
    await expect(openTokenStore(dir)).rejects.toThrow(/train[\\/]00001\.bin: shard has 5 bytes/);
    await truncate(join(dir, 'train/00001.bin'), 8);
    await expect(openTokenStore(dir)).rejects.toThrow(
      /train[\\/]00002\.bin: shard listed in manifest\.json is missing/,
    );
  });

  it('should name the manifest and its bad field', async () => {
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(2, 2, 4096),
      seqLen: 2,
      vocabSize: 4096,
      windowsPerShard: 2,
    });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { seqLen: number };
    manifest.seqLen = 0;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(openTokenStore(dir)).rejects.toThrow(/manifest\.json: field "seqLen" must be an integer ≥ 1, got 0/);
  });
});

describe('TokenStore.loadTokenizer', () => {
  it("should load the store's tokenizer.json after checking its hash", async () => {
    const text = JSON.stringify(createTinyTokenizer().toTokenizerJson());
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(2, 2, 300),
      seqLen: 2,
      vocabSize: 300,
      windowsPerShard: 2,
      tokenizerJsonText: text,
    });
    const tokenizer = await (await open()).loadTokenizer();
    expect(tokenizer.vocabSize).toBe(300);
    expect(tokenizer.decode(tokenizer.encode('def scale(values):'))).toBe('def scale(values):');
  });

  it('should refuse a tokenizer.json whose hash differs, naming both hashes', async () => {
    const text = JSON.stringify(createTinyTokenizer().toTokenizerJson());
    const manifest = await writeTestTokenStore(dir, {
      train: numberedTestWindows(2, 2, 300),
      seqLen: 2,
      vocabSize: 300,
      windowsPerShard: 2,
      tokenizerJsonText: text,
    });
    const other = JSON.stringify(createTinyTokenizer({ vocabSize: 299 }).toTokenizerJson());
    await writeFile(join(dir, 'tokenizer.json'), other);
    await expect((await open()).loadTokenizer()).rejects.toThrow(
      `sha256 ${tokenizerSha256(other)}, but manifest.json records tokenizer sha256 ${manifest.tokenizer.sha256}: the ids in the store do not belong to this tokenizer`,
    );
    await expect(verifyTokenStore(dir)).rejects.toThrow(
      /tokenizer\.json: sha256 .* the ids in the store do not belong to this tokenizer/,
    );
  });

  it('should give the built-in GPT-2 tokenizer for a store without tokenizer.json', async () => {
    await writeTestTokenStore(dir, { train: [[50256, 15496]], seqLen: 2, vocabSize: 50257, windowsPerShard: 2 });
    const tokenizer = await (await open()).loadTokenizer();
    expect(tokenizer.encode('Hello world')).toEqual([15496, 995]);
  });

  it('should refuse a store without tokenizer.json whose tokenizer is not gpt2', async () => {
    await writeTestTokenStore(dir, { train: [[1, 2]], seqLen: 2, vocabSize: 300, windowsPerShard: 2 });
    await expect((await open()).loadTokenizer()).rejects.toThrow(
      /has no tokenizer\.json and its tokenizer "test" \(sha256 [0-9a-f]{64}\) is not the built-in gpt2/,
    );
  });
});

describe('verifyTokenStore', () => {
  it('should hash every shard, report progress, and name the first corrupt shard', async () => {
    await writeTestTokenStore(dir, {
      train: numberedTestWindows(5, 2, 4096),
      validation: numberedTestWindows(1, 2, 4096),
      seqLen: 2,
      vocabSize: 4096,
      windowsPerShard: 2,
    });
    const progress: string[] = [];
    expect(
      await verifyTokenStore(dir, {
        onProgress: (p) => progress.push(`${p.file} ${p.shardsDone}/${p.shardsTotal} ${p.bytesDone}/${p.bytesTotal}`),
      }),
    ).toEqual({ shards: 4, bytes: 24 });
    expect(progress).toEqual([
      'train/00000.bin 1/4 8/24',
      'train/00001.bin 2/4 16/24',
      'train/00002.bin 3/4 20/24',
      'validation/00000.bin 4/4 24/24',
    ]);
    const bytes = await readFile(join(dir, 'train/00001.bin'));
    bytes[3]! ^= 1;
    await writeFile(join(dir, 'train/00001.bin'), bytes);
    await expect(verifyTokenStore(dir)).rejects.toThrow(
      /train[\\/]00001\.bin: sha256 [0-9a-f]{64}, but manifest\.json records [0-9a-f]{64}; the shard is corrupt/,
    );
  });
});
