import { describe, expect, it } from 'vitest';
import { createBatchSampler } from './batch-sampler.js';
import { createTokenWindows } from './token-windows.js';

// 10 windows of 3 tokens; window i holds [i·10, i·10 + 1, i·10 + 2], so rows identify windows.
const files = Array.from({ length: 10 }, (_, index) => [index * 10, index * 10 + 1, index * 10 + 2]);
const windows = createTokenWindows({ files, seqLen: 3, vocabSize: 256 });
const windowIdsOf = (inputIds: Int32Array): number[] =>
  Array.from({ length: inputIds.length / 3 }, (_, row) => inputIds[row * 3]! / 10);

describe('createBatchSampler', () => {
  it('should return B × T Int32Array batches of whole windows', () => {
    const sampler = createBatchSampler({ windows, batchSize: 4, seed: 0 });
    const batch = sampler.batchAt(0);
    expect(batch.inputIds).toBeInstanceOf(Int32Array);
    expect(batch.inputIds).toHaveLength(12);
    expect([batch.batchSize, batch.seqLen, sampler.numWindows, sampler.batchesPerEpoch]).toEqual([4, 3, 10, 2]);
    for (let row = 0; row < 4; row++) {
      const first = batch.inputIds[row * 3]!;
      expect(Array.from(batch.inputIds.subarray(row * 3, row * 3 + 3))).toEqual([first, first + 1, first + 2]);
    }
  });

  it('should make batchAt(k) equal what an uninterrupted run sees at step k (resume)', () => {
    const uninterrupted = createBatchSampler({ windows, batchSize: 3, seed: 42 });
    const seen = Array.from({ length: 20 }, (_, step) => Array.from(uninterrupted.batchAt(step).inputIds));
    const resumed = createBatchSampler({ windows, batchSize: 3, seed: 42 });
    for (const step of [13, 14, 7, 19, 0]) expect(Array.from(resumed.batchAt(step).inputIds)).toEqual(seen[step]);
  });

  it('should use distinct windows within an epoch and reshuffle per epoch deterministically', () => {
    const sampler = createBatchSampler({ windows, batchSize: 5, seed: 1 });
    const epoch0 = [...windowIdsOf(sampler.batchAt(0).inputIds), ...windowIdsOf(sampler.batchAt(1).inputIds)];
    const epoch1 = [...windowIdsOf(sampler.batchAt(2).inputIds), ...windowIdsOf(sampler.batchAt(3).inputIds)];
    expect([...epoch0].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...epoch1].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(epoch1).not.toEqual(epoch0);
    expect(sampler.epochOf(3)).toBe(1);
  });

  it('should give different orders for different seeds', () => {
    const a = createBatchSampler({ windows, batchSize: 5, seed: 1 }).batchAt(0).inputIds;
    const b = createBatchSampler({ windows, batchSize: 5, seed: 2 }).batchAt(0).inputIds;
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('should reject a corpus with fewer windows than one batch, naming both numbers', () => {
    expect(() => createBatchSampler({ windows, batchSize: 11, seed: 0 })).toThrow(
      /the corpus has 10 windows of 3 tokens, fewer than one batch of 11/,
    );
  });

  it('should reject bad steps and batch sizes, naming them', () => {
    const sampler = createBatchSampler({ windows, batchSize: 2, seed: 0 });
    expect(() => sampler.batchAt(-1)).toThrow(/step -1 must be a non-negative integer/);
    expect(() => sampler.batchAt(1.5)).toThrow(/step 1\.5/);
    expect(() => createBatchSampler({ windows, batchSize: 0, seed: 0 })).toThrow(/batchSize 0 must be a positive integer/);
  });
});
