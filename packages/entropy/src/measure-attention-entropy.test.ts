import * as tf from '@tensorflow/tfjs-core';
import { maxCausalEntropy, resolveModelConfig, type LanguageModel } from '@normfree/core';
import { createFakeEvalSet } from '@normfree/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { measureAttentionEntropy } from './measure-attention-entropy.js';
import { uniformCausalAttention } from './testing/index.js';

/** float32 sums of logs. */
const entropyTolerance = 1e-5;

afterEach(() => {
  tf.disposeVariables();
});

/** A stand-in model whose every layer attends uniformly (causal) and records its forward options. */
function createUniformAttentionModel(nLayer: number, nHead: number): LanguageModel & { calls: { training: boolean; rows: number }[] } {
  const config = resolveModelConfig({ vocabSize: 8, blockSize: 8, nLayer, nHead, nEmbd: 2 * nHead });
  const calls: { training: boolean; rows: number }[] = [];
  return {
    specificationVersion: 'v1',
    config,
    parameters: [],
    calls,
    forward(ids, options) {
      const [batchSize, seqLen] = ids.shape;
      calls.push({ training: options.training, rows: batchSize });
      return tf.tidy(() => {
        for (let layer = 0; layer < nLayer; layer++) {
          options.observer?.onAttention(layer, uniformCausalAttention({ batchSize, nHead, seqLen }));
        }
        return tf.zeros([batchSize, seqLen, config.vocabSize]) as tf.Tensor3D; // (B, T, V)
      });
    },
    loss: () => tf.scalar(0),
    slopes: () => [],
    stateDict: () => new Map(),
    loadStateDict: () => undefined,
    dispose: () => undefined,
  };
}

describe('measureAttentionEntropy', () => {
  it('runs every batch in eval mode, caps the windows, and returns plain numbers without leaking', async () => {
    const before = tf.memory().numTensors;
    const model = createUniformAttentionModel(2, 3);
    const windows = Array.from({ length: 5 }, () => new Int32Array(8));
    const result = await measureAttentionEntropy(model, createFakeEvalSet(windows, 8).batches(2), { maxWindows: 4 });
    expect(model.calls).toEqual([{ training: false, rows: 2 }, { training: false, rows: 2 }]);
    expect(result.windows).toBe(4);
    expect(result.perHead).toHaveLength(2);
    for (const row of result.perHead) for (const value of row) expect(Math.abs(value - maxCausalEntropy(8))).toBeLessThanOrEqual(entropyTolerance);
    expect(result.nanCounts).toEqual([0, 0]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects an empty batch list', async () => {
    const before = tf.memory().numTensors;
    await expect(measureAttentionEntropy(createUniformAttentionModel(1, 1), [])).rejects.toThrow('no batches given');
    expect(tf.memory().numTensors).toBe(before);
  });
});
