import { describe, expect, it } from 'vitest';
import type { TokenStoreManifest } from './token-store-format.js';
import {
  createMemoryWindowReader,
  createStoreBatchSampler,
  createStoreEvalSet,
  decodeTokenIds,
  parseTokenStoreManifest,
  windowLocation,
  windowRuns,
  type WindowReader,
} from './token-store-reader.js';

const sha = 'a'.repeat(64);

/** A valid manifest: T 4, uint16, 3 windows per shard, train 7 windows (3 + 3 + 1), validation 2. */
function validManifest(): TokenStoreManifest {
  const shard = (file: string, windows: number) => ({ file, windows, bytes: windows * 4 * 2, sha256: sha });
  return {
    format: 'normfree-token-store',
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    seqLen: 4,
    dtype: 'uint16',
    windowsPerShard: 3,
    tokenizer: { name: 'default-4096', vocabSize: 4096, sha256: sha, file: 'tokenizer.json' },
    field: 'content',
    splitRule: { kind: 'fraction', validationFraction: 0.05, seed: 0 },
    splits: {
      train: {
        documents: 3,
        tokens: 30,
        windows: 7,
        shards: [shard('train/00000.bin', 3), shard('train/00001.bin', 3), shard('train/00002.bin', 1)],
      },
      validation: { documents: 1, tokens: 9, windows: 2, shards: [shard('validation/00000.bin', 2)] },
    },
    sources: [{ path: '/data/a.jsonl', role: 'input', format: 'jsonl', bytes: 100, documents: 4 }],
    skippedFiles: [],
    limits: { maxTokens: 1000 },
  };
}

/** The manifest as JSON with `edit` applied to a deep copy. */
function manifestText(edit: (json: any) => void = () => undefined): string {
  const json = structuredClone(validManifest()) as any;
  edit(json);
  return JSON.stringify(json);
}

describe('parseTokenStoreManifest', () => {
  it('should read a valid manifest unchanged', () => {
    expect(parseTokenStoreManifest(manifestText(), 'store/manifest.json')).toEqual(validManifest());
  });

  it.each([
    ['not JSON', () => '{', /m\.json: not valid JSON/],
    ['a wrong format', (j: any) => (j.format = 'other'), /m\.json: field "format" must be "normfree-token-store", got "other"/],
    ['a missing seqLen', (j: any) => delete j.seqLen, /m\.json: missing field "seqLen"/],
    ['a bad dtype', (j: any) => (j.dtype = 'int8'), /field "dtype" must be "uint16" or "uint32", got "int8"/],
    ['a dtype the vocabulary does not fit', (j: any) => (j.dtype = 'uint32'), /"dtype" is "uint32" but tokenizer.vocabSize 4096 needs "uint16"/],
    ['a short tokenizer hash', (j: any) => (j.tokenizer.sha256 = 'abc'), /field "tokenizer.sha256" must be a SHA-256 .*got "abc"/],
    ['a bad split rule', (j: any) => (j.splitRule.kind = 'random'), /field "splitRule.kind" must be "fraction" or "separate", got "random"/],
    ['a bad fraction', (j: any) => (j.splitRule.validationFraction = 1), /field "splitRule.validationFraction" must be a number in \[0, 1\), got 1/],
    ['split windows that are not the shards\' sum', (j: any) => (j.splits.train.windows = 8), /"splits.train.windows" is 8, but its shards hold 7 windows/],
    ['a short middle shard', (j: any) => {
      j.splits.train.shards[1].windows = 2;
      j.splits.train.shards[1].bytes = 16;
      j.splits.train.windows = 6;
    }, /"splits.train.shards\[1\].windows" is 2, but every shard but a split's last must hold exactly windowsPerShard 3/],
    ['shard bytes that disagree with its windows', (j: any) => (j.splits.validation.shards[0].bytes = 15), /"splits.validation.shards\[0\].bytes" is 15, but 2 windows × seqLen 4 × 2 bytes \(uint16\) = 16/],
    ['a shard out of order', (j: any) => (j.splits.train.shards[0].file = 'train/00001.bin'), /"splits.train.shards\[0\].file" must be "train\/00000.bin", got "train\/00001.bin"/],
    ['a bad source role', (j: any) => (j.sources[0].role = 'test'), /field "sources\[0\].role" must be "input" or "validation", got "test"/],
    ['a bad limit', (j: any) => (j.limits.maxFiles = 0), /field "limits.maxFiles" must be an integer ≥ 1, got 0/],
  ])('should reject %s, naming the source, field and value', (_, edit, message) => {
    const text = typeof edit === 'function' && edit.length === 0 ? (edit as () => string)() : manifestText(edit as (json: any) => void);
    expect(() => parseTokenStoreManifest(text, 'm.json')).toThrow(message);
  });

  it('should say a newer version was written by a newer normfree', () => {
    expect(() => parseTokenStoreManifest(manifestText((j) => (j.version = 2)), 'm.json')).toThrow(
      /m\.json: token store version 2 was written by a newer normfree \(this one reads version 1\)/,
    );
  });

  it('should accept uint32 stores and stores without a tokenizer file', () => {
    const manifest = parseTokenStoreManifest(
      manifestText((j) => {
        j.tokenizer = { name: 'gpt2', vocabSize: 70000, sha256: sha };
        j.dtype = 'uint32';
        for (const split of ['train', 'validation']) for (const shard of j.splits[split].shards) shard.bytes *= 2;
      }),
      'm.json',
    );
    expect(manifest.tokenizer.file).toBeUndefined();
    expect(windowLocation(manifest, 4)).toEqual({ shard: 1, byteOffset: 16 });
  });
});

describe('windowRuns', () => {
  it('should cut indices, in list order, into runs of consecutive windows within one shard', () => {
    const store = { seqLen: 4, dtype: 'uint16' as const, windowsPerShard: 3 }; // 8 bytes per window
    expect(windowRuns(store, [1, 2, 3, 4, 9, 0, 1])).toEqual([
      { start: 0, end: 2, shard: 0, byteOffset: 8, bytes: 16 }, // windows 1, 2 (shard 0 ends at 3)
      { start: 2, end: 4, shard: 1, byteOffset: 0, bytes: 16 }, // windows 3, 4
      { start: 4, end: 5, shard: 3, byteOffset: 0, bytes: 8 }, // window 9
      { start: 5, end: 7, shard: 0, byteOffset: 0, bytes: 16 }, // windows 0, 1
    ]);
    expect(windowRuns(store, [])).toEqual([]);
  });
});

describe('decodeTokenIds', () => {
  it('should read little-endian uint16 and uint32, aligned or not', () => {
    const bytes = new Uint8Array([0, 1, 0x34, 0x12, 0xff, 0xff, 0, 0, 0]);
    const into = new Int32Array(5).fill(-1);
    decodeTokenIds(bytes.subarray(0, 6), 'uint16', into, 1);
    expect(Array.from(into)).toEqual([-1, 256, 0x1234, 65535, -1]);
    decodeTokenIds(bytes.subarray(1, 9), 'uint16', into); // odd offset: the DataView path
    expect(Array.from(into.subarray(0, 4))).toEqual([0x3401, 0xff12, 0x00ff, 0]);
    const wide = new Uint8Array([1, 0, 1, 0, 0x10, 0x27, 0, 0]);
    decodeTokenIds(wide, 'uint32', into);
    expect(Array.from(into.subarray(0, 2))).toEqual([65537, 10000]);
  });
});

/** N windows of T tokens where window w is [w·T, w·T + 1, …]. */
function numberedReader(count: number, seqLen: number): WindowReader & { reads: number[][] } {
  const tokens = Int32Array.from({ length: count * seqLen }, (_, index) => index);
  const inner = createMemoryWindowReader(tokens, seqLen, 'test-store (train)');
  const reads: number[][] = [];
  return { ...inner, reads, readWindows: (indices, into) => (reads.push(Array.from(indices)), inner.readWindows(indices, into)) };
}

const windowIdsOf = (inputIds: Int32Array, seqLen: number): number[] =>
  Array.from({ length: inputIds.length / seqLen }, (_, row) => inputIds[row * seqLen]! / seqLen);

describe('createStoreBatchSampler', () => {
  it('should give B distinct windows per step, every window at most once per epoch, a new order each epoch', () => {
    const sampler = createStoreBatchSampler({ windows: numberedReader(10, 3), batchSize: 4, seed: 0 });
    expect([sampler.batchSize, sampler.seqLen, sampler.numWindows, sampler.batchesPerEpoch]).toEqual([4, 3, 10, 2]);
    const batch = sampler.batchAt(0);
    for (let row = 0; row < 4; row++) {
      const first = batch.inputIds[row * 3]!;
      expect(Array.from(batch.inputIds.subarray(row * 3, row * 3 + 3))).toEqual([first, first + 1, first + 2]);
    }
    const epoch0 = [...windowIdsOf(sampler.batchAt(0).inputIds, 3), ...windowIdsOf(sampler.batchAt(1).inputIds, 3)];
    const epoch1 = [...windowIdsOf(sampler.batchAt(2).inputIds, 3), ...windowIdsOf(sampler.batchAt(3).inputIds, 3)];
    expect(new Set(epoch0).size).toBe(8);
    expect(new Set(epoch1).size).toBe(8);
    expect(epoch1).not.toEqual(epoch0);
    expect([sampler.epochOf(1), sampler.epochOf(2), sampler.epochOf(5)]).toEqual([0, 1, 2]);
  });

  it('should visit every window exactly once in an epoch when B divides N', () => {
    const sampler = createStoreBatchSampler({ windows: numberedReader(12, 2), batchSize: 3, seed: 5 });
    const seen = Array.from({ length: 4 }, (_, step) => windowIdsOf(sampler.batchAt(step).inputIds, 2)).flat();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, index) => index));
  });

  it('should make batchAt a pure function of (seed, step), so a resumed run sees the same batches', () => {
    const windows = numberedReader(50, 2);
    const first = createStoreBatchSampler({ windows, batchSize: 4, seed: 3 });
    const seen = Array.from({ length: 30 }, (_, step) => Array.from(first.batchAt(step).inputIds));
    const resumed = createStoreBatchSampler({ windows, batchSize: 4, seed: 3 });
    for (const step of [29, 13, 0, 12, 25]) expect(Array.from(resumed.batchAt(step).inputIds)).toEqual(seen[step]);
    const other = createStoreBatchSampler({ windows, batchSize: 4, seed: 4 });
    expect(Array.from(other.batchAt(0).inputIds)).not.toEqual(seen[0]);
  });

  it('should read only the batch\'s windows', () => {
    const windows = numberedReader(1000, 2);
    createStoreBatchSampler({ windows, batchSize: 8, seed: 0 }).batchAt(77);
    expect(windows.reads).toHaveLength(1);
    expect(windows.reads[0]).toHaveLength(8);
  });

  it('should name the store, both numbers, a bad batchSize and a bad step', () => {
    expect(() => createStoreBatchSampler({ windows: numberedReader(10, 3), batchSize: 11, seed: 0 })).toThrow(
      'createStoreBatchSampler: test-store (train) has 10 windows of 3 tokens, fewer than one batch of 11',
    );
    expect(() => createStoreBatchSampler({ windows: numberedReader(10, 3), batchSize: 0, seed: 0 })).toThrow(/batchSize 0 must be a positive integer/);
    const sampler = createStoreBatchSampler({ windows: numberedReader(10, 3), batchSize: 2, seed: 0 });
    expect(() => sampler.batchAt(-1)).toThrow(/step -1 must be a non-negative integer/);
    expect(() => sampler.batchAt(1.5)).toThrow(/step 1.5/);
  });
});

describe('createStoreEvalSet', () => {
  it('should yield every window once in store order, the last batch smaller, reading lazily', () => {
    const windows = numberedReader(7, 2);
    const evalSet = createStoreEvalSet(windows);
    expect([evalSet.numWindows, evalSet.seqLen]).toEqual([7, 2]);
    const iterator = evalSet.batches(3)[Symbol.iterator]();
    iterator.next();
    expect(windows.reads).toEqual([[0, 1, 2]]);
    const batches = [...evalSet.batches(3)];
    expect(batches.map((batch) => batch.batchSize)).toEqual([3, 3, 1]);
    expect(batches.flatMap((batch) => windowIdsOf(batch.inputIds, 2))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => [...evalSet.batches(0)]).toThrow(/batchSize 0 must be a positive integer/);
  });
});

describe('createMemoryWindowReader', () => {
  it('should name an index outside the windows', () => {
    const reader = createMemoryWindowReader(new Int32Array(8), 4, 'mem');
    expect(() => reader.readWindows([2], new Int32Array(4))).toThrow('mem: window index 2 must be an integer in [0, 2)');
  });
});
