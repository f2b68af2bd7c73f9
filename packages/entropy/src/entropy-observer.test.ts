import * as tf from '@tensorflow/tfjs-core';
import { maxCausalEntropy } from '@normfree/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createEntropyObserver } from './entropy-observer.js';
import { oneHotAttention, uniformCausalAttention } from './testing/index.js';

/** float32 sums of logs over a few hundred rows. */
const entropyTolerance = 1e-5;

afterEach(() => {
  tf.disposeVariables();
});

/** Call the observer the way a model does: inside a tidy that disposes the probabilities. */
const observe = (run: () => void): void => {
  tf.tidy(run);
};

describe('createEntropyObserver', () => {
  it('accumulates per-head entropy over several batches, weighting every row equally', async () => {
    const before = tf.memory().numTensors;
    const observer = createEntropyObserver({ nLayer: 2, nHead: 2 });
    // batch 1: 3 windows uniform; batch 2: 1 window one-hot. Layer 1 sees one-hot in both.
    observe(() => {
      observer.onAttention(0, uniformCausalAttention({ batchSize: 3, nHead: 2, seqLen: 8 }));
      observer.onAttention(1, oneHotAttention({ batchSize: 3, nHead: 2, seqLen: 8 }));
    });
    observe(() => {
      observer.onAttention(0, oneHotAttention({ batchSize: 1, nHead: 2, seqLen: 8 }));
      observer.onAttention(1, oneHotAttention({ batchSize: 1, nHead: 2, seqLen: 8 }));
    });
    expect(observer.batches).toBe(2);
    // only the (2, nh) running sums survive: one per layer
    expect(tf.memory().numTensors).toBe(before + 2);
    const result = await observer.result();
    const expected = (3 / 4) * maxCausalEntropy(8);
    result.perHead[0]!.forEach((value) => expect(Math.abs(value - expected)).toBeLessThanOrEqual(entropyTolerance));
    expect(result.perHead[1]).toEqual([0, 0]);
    expect(Math.abs(result.perLayer[0]! - expected)).toBeLessThanOrEqual(entropyTolerance);
    expect(result.nanCounts).toEqual([0, 0]);
    expect(result.windows).toBe(4);
    expect(result.fp16Overflows).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
    expect(observer.batches).toBe(0);
  });

  it('counts NaNs as the authors do: NaN elements per head over the batch, mean over heads', () => {
    const before = tf.memory().numTensors;
    const observer = createEntropyObserver({ nLayer: 1, nHead: 2 });
    observe(() => {
      const buffer = uniformCausalAttention({ batchSize: 2, nHead: 2, seqLen: 4 }).bufferSync();
      for (let key = 0; key < 4; key++) buffer.set(Number.NaN, 0, 1, 2, key); // head 1: one NaN row (4 elements)
      buffer.set(Number.NaN, 1, 1, 3, 0); // head 1: one more element
      observer.onAttention(0, buffer.toTensor());
    });
    const result = observer.resultSync();
    expect(result.nanCounts).toEqual([(0 + 5) / 2]);
    // the NaN row contributes entropy 0 (nansum), pulling head 1 below head 0
    expect(result.perHead[0]![1]!).toBeLessThan(result.perHead[0]![0]!);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports fp16 overflows per layer (mean over heads) when logits are observed', () => {
    const before = tf.memory().numTensors;
    const observer = createEntropyObserver({ nLayer: 1, nHead: 2 });
    observe(() => {
      observer.onAttentionLogits!(0, tf.tensor4d([1e5, 0, 0, 0, 1e5, -1e5, Number.NEGATIVE_INFINITY, 0], [1, 2, 2, 2]));
      observer.onAttention(0, uniformCausalAttention({ batchSize: 1, nHead: 2, seqLen: 2 }));
    });
    const result = observer.resultSync();
    expect(result.fp16Overflows).toEqual([(1 + 3) / 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a layer outside [0, nLayer) and a wrong head count, naming the values', async () => {
    const before = tf.memory().numTensors;
    const observer = createEntropyObserver({ nLayer: 2, nHead: 2 });
    expect(() =>
      observe(() => observer.onAttention(2, uniformCausalAttention({ batchSize: 1, nHead: 2, seqLen: 4 }))),
    ).toThrow('layer 2, but the observer has nLayer 2');
    expect(() =>
      observe(() => observer.onAttention(0, uniformCausalAttention({ batchSize: 1, nHead: 3, seqLen: 4 }))),
    ).toThrow('shape [1, 3, 4, 4], expected (B, 2, T, T)');
    expect(() => createEntropyObserver({ nLayer: 0, nHead: 2 })).toThrow('nLayer must be a positive integer, got 0');
    expect(() => observer.resultSync()).toThrow('layer 0 was never observed');
    // a partial observation (layer 1 missing) throws too, and still frees what it kept
    observe(() => observer.onAttention(0, uniformCausalAttention({ batchSize: 1, nHead: 2, seqLen: 4 })));
    expect(tf.memory().numTensors).toBe(before + 1);
    await expect(observer.result()).rejects.toThrow('layer 1 was never observed');
    expect(tf.memory().numTensors).toBe(before);
    observer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the tensor count flat over many batches and frees everything on reset', () => {
    const before = tf.memory().numTensors;
    const observer = createEntropyObserver({ nLayer: 1, nHead: 1 });
    for (let batch = 0; batch < 20; batch++) {
      observe(() => {
        observer.onAttentionLogits!(0, tf.zeros([1, 1, 4, 4]));
        observer.onAttention(0, uniformCausalAttention({ batchSize: 1, nHead: 1, seqLen: 4 }));
      });
    }
    expect(tf.memory().numTensors).toBe(before + 2);
    observer.reset();
    expect(tf.memory().numTensors).toBe(before);
  });
});
