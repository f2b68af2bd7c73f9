import { describe, expect, it } from 'vitest';
import { createStoreBatchSampler, createStoreEvalSet } from './token-store-sampler.js';
import { createMemoryWindowReader, type WindowReader } from './token-store-windows.js';

/** N windows of T tokens where window w is [w·T, w·T + 1, …]. */
function numberedReader(count: number, seqLen: number): WindowReader & { reads: number[][] } {
  const tokens = Int32Array.from({ length: count * seqLen }, (_, index) => index);
  const inner = createMemoryWindowReader(tokens, seqLen, 'test-store (train)');
  const reads: number[][] = [];
  return {
    ...inner,
    reads,
    readWindows: (indices, into) => (reads.push(Array.from(indices)), inner.readWindows(indices, into)),
  };
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

  it("should read only the batch's windows", () => {
    const windows = numberedReader(1000, 2);
    createStoreBatchSampler({ windows, batchSize: 8, seed: 0 }).batchAt(77);
    expect(windows.reads).toHaveLength(1);
    expect(windows.reads[0]).toHaveLength(8);
  });

  it('should name the store, both numbers, a bad batchSize and a bad step', () => {
    expect(() => createStoreBatchSampler({ windows: numberedReader(10, 3), batchSize: 11, seed: 0 })).toThrow(
      'createStoreBatchSampler: test-store (train) has 10 windows of 3 tokens, fewer than one batch of 11',
    );
    expect(() => createStoreBatchSampler({ windows: numberedReader(10, 3), batchSize: 0, seed: 0 })).toThrow(
      /batchSize must be a positive integer, got 0/,
    );
    const sampler = createStoreBatchSampler({ windows: numberedReader(10, 3), batchSize: 2, seed: 0 });
    expect(() => sampler.batchAt(-1)).toThrow(/step must be a non-negative integer, got -1/);
    expect(() => sampler.batchAt(1.5)).toThrow(/step must be a non-negative integer, got 1\.5/);
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
    expect(() => [...evalSet.batches(0)]).toThrow(/batchSize must be a positive integer, got 0/);
  });
});
