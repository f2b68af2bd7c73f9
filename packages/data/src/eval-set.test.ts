import { describe, expect, it } from 'vitest';
import { createEvalSet } from './eval-set.js';
import { createTokenWindows } from './token-windows.js';

const windows = createTokenWindows({
  files: [
    [1, 2, 3, 4],
    [5, 6, 7],
  ],
  seqLen: 2,
  vocabSize: 256,
});

describe('createEvalSet', () => {
  it('should cover every window once, in fixed order, the last batch smaller', () => {
    const evalSet = createEvalSet({ windows });
    expect([evalSet.numWindows, evalSet.seqLen]).toEqual([3, 2]);
    const batches = [...evalSet.batches(2)];
    expect(batches.map((batch) => batch.batchSize)).toEqual([2, 1]);
    expect(batches.map((batch) => Array.from(batch.inputIds))).toEqual([[1, 2, 3, 4], [5, 6]]);
    expect([...evalSet.batches(2)].map((batch) => Array.from(batch.inputIds))).toEqual([[1, 2, 3, 4], [5, 6]]);
  });

  it('should reject a bad batch size, naming it', () => {
    expect(() => [...createEvalSet({ windows }).batches(0)]).toThrow(/batchSize 0 must be a positive integer/);
  });
});
