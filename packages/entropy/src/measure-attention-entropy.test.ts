import * as tf from '@tensorflow/tfjs-core';
import { maxCausalEntropy } from '@normfree/core';
import { createFakeEvalSet } from '@normfree/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { measureAttentionEntropy } from './measure-attention-entropy.js';
import { createUniformAttentionModel } from './testing/index.js';

/** float32 sums of logs. */
const entropyTolerance = 1e-5;

afterEach(() => {
  tf.disposeVariables();
});

describe('measureAttentionEntropy', () => {
  it('runs every batch in eval mode, caps the windows, and returns plain numbers without leaking', async () => {
    const before = tf.memory().numTensors;
    const model = createUniformAttentionModel(2, 3);
    const windows = Array.from({ length: 5 }, () => new Int32Array(8));
    const result = await measureAttentionEntropy(model, createFakeEvalSet(windows, 8).batches(2), { maxWindows: 4 });
    expect(model.calls).toEqual([
      { training: false, rows: 2 },
      { training: false, rows: 2 },
    ]);
    expect(result.windows).toBe(4);
    expect(result.perHead).toHaveLength(2);
    for (const row of result.perHead)
      for (const value of row) expect(Math.abs(value - maxCausalEntropy(8))).toBeLessThanOrEqual(entropyTolerance);
    expect(result.nanCounts).toEqual([0, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an empty batch list', async () => {
    const before = tf.memory().numTensors;
    await expect(measureAttentionEntropy(createUniformAttentionModel(1, 1), [])).rejects.toThrow('no batches given');
    expect(tf.memory().numTensors).toBe(before);
  });
});
