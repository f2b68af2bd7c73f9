import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@normfree/backend';
import { maxCausalEntropy } from '@normfree/core';
import { afterEach, describe, expect, it } from 'vitest';
import { attentionRowEntropy, headEntropy, headFp16OverflowCounts, headNanCounts } from './attention-entropy.js';
import { oneHotAttention, uniformCausalAttention } from './testing/index.js';

/** float32 sums of a few dozen logs: 1e-5 absolute is ~100 ulp at these magnitudes. */
const entropyTolerance = 1e-5;

const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, absolute: number): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(absolute);
};

afterEach(() => {
  tf.disposeVariables();
});

describe('attentionRowEntropy', () => {
  it('gives ln(i + 1) for row i of uniform causal attention (row 0: 0)', () => {
    const before = tf.memory().numTensors;
    const probs = uniformCausalAttention({ batchSize: 1, nHead: 1, seqLen: 8 });
    const rows = attentionRowEntropy(probs);
    expect(rows.shape).toEqual([1, 1, 8]);
    expectClose(
      rows.dataSync(),
      Array.from({ length: 8 }, (_, i) => Math.log(i + 1)),
      entropyTolerance,
    );
    tf.dispose([probs, rows]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('headEntropy', () => {
  it('gives mean ln(i) over rows = 1.3256 for uniform causal attention at T 8', () => {
    const before = tf.memory().numTensors;
    const probs = uniformCausalAttention({ batchSize: 3, nHead: 2, seqLen: 8 });
    const entropy = headEntropy(probs);
    expectClose(entropy.dataSync(), [maxCausalEntropy(8), maxCausalEntropy(8)], entropyTolerance);
    expect(Math.abs(maxCausalEntropy(8) - 1.3256)).toBeLessThan(5e-5);
    tf.dispose([probs, entropy]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives 0 for one-hot attention', () => {
    const before = tf.memory().numTensors;
    const probs = oneHotAttention({ batchSize: 2, nHead: 3, seqLen: 5 });
    const entropy = headEntropy(probs);
    expect(Array.from(entropy.dataSync())).toEqual([0, 0, 0]);
    tf.dispose([probs, entropy]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reproduces the reference entropy_per_head from its own attention probabilities (trained free_gelu)', () => {
    const before = tf.memory().numTensors;
    const path = fileURLToPath(new URL('../../../fixtures/reference-tiny/free_gelu.trained.json', import.meta.url));
    const fixture = JSON.parse(readFileSync(path, 'utf8')) as {
      attention_probs: number[][][][][];
      entropy_per_head: number[][];
    };
    fixture.attention_probs.forEach((layerProbs, layer) => {
      const probs = tf.tensor4d(layerProbs);
      const entropy = headEntropy(probs);
      expectClose(entropy.dataSync(), fixture.entropy_per_head[layer]!, entropyTolerance);
      tf.dispose([probs, entropy]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('headNanCounts', () => {
  it('counts NaN elements per head over the batch (a NaN row counts T) and nansum drops them from the entropy', () => {
    const before = tf.memory().numTensors;
    const seqLen = 4;
    const values = uniformCausalAttention({ batchSize: 2, nHead: 2, seqLen });
    const buffer = values.bufferSync();
    for (let key = 0; key < seqLen; key++) buffer.set(Number.NaN, 1, 0, 3, key); // batch 1, head 0, row 3 fully NaN
    buffer.set(Number.NaN, 0, 1, 2, 1); // batch 0, head 1, one element
    const probs = buffer.toTensor();
    const counts = headNanCounts(probs);
    expect(Array.from(counts.dataSync())).toEqual([4, 1]);
    const rows = attentionRowEntropy(probs);
    expect(rows.bufferSync().get(1, 0, 3)).toBe(0); // NaN row nansums to 0
    expect(Math.abs(rows.bufferSync().get(0, 1, 2) - (2 / 3) * Math.log(3))).toBeLessThan(entropyTolerance); // one term dropped
    tf.dispose([values, probs, counts, rows]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('headFp16OverflowCounts', () => {
  it('counts logits beyond ±65504 per head, infinities included', () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor4d([1, 70000, -65505, 65504, Number.POSITIVE_INFINITY, 0, 3, -1e9], [1, 2, 2, 2]);
    const counts = headFp16OverflowCounts(logits);
    expect(Array.from(counts.dataSync())).toEqual([2, 2]);
    tf.dispose([logits, counts]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('on the wasm backend', () => {
  it('gives the same uniform, one-hot and NaN results as on cpu', async () => {
    await selectBackend({ prefer: 'wasm', strict: true, quiet: true });
    try {
      const before = tf.memory().numTensors;
      const uniform = uniformCausalAttention({ batchSize: 2, nHead: 2, seqLen: 8 });
      const entropy = headEntropy(uniform);
      expectClose(entropy.dataSync(), [maxCausalEntropy(8), maxCausalEntropy(8)], entropyTolerance);
      const oneHot = oneHotAttention({ batchSize: 1, nHead: 1, seqLen: 3 });
      const zero = headEntropy(oneHot);
      expectClose(zero.dataSync(), [0], entropyTolerance); // wasm's ln 1 is a denormal (~1e-43), not 0
      const withNan = tf.tensor4d([1, 0, Number.NaN, Number.NaN], [1, 1, 2, 2]);
      const nanCounts = headNanCounts(withNan);
      const nanEntropy = headEntropy(withNan);
      expect(Array.from(nanCounts.dataSync())).toEqual([2]);
      expectClose(nanEntropy.dataSync(), [0], entropyTolerance);
      tf.dispose([uniform, entropy, oneHot, zero, withNan, nanCounts, nanEntropy]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await tf.setBackend('cpu');
    }
  });
});
