import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy.js';
import { headCrossEntropy } from './head-cross-entropy.js';
import { matmul } from './matmul.js';

/** vs the unfused head + crossEntropy; O(1) values, float32 rounding in a different summation order. */
const ABSOLUTE = 2e-6;

afterEach(() => {
  tf.disposeVariables();
});

const maxDifference = (a: tf.Tensor, b: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe.each(['cpu', 'wasm'] as const)('headCrossEntropy on %s', (backend) => {
  // rowsPerChunk: undefined = one chunk (the softmax is saved), 3 and 4 = chunked with recomputation (10 rows: 4 chunks, 3 chunks)
  it.each([undefined, 3, 4])(
    'equals crossEntropy(states @ weightᵀ) in value and in both gradients (rowsPerChunk %s), leaving no tensors',
    async (rowsPerChunk) => {
      await selectBackend({ prefer: backend, strict: true, quiet: true });
      const states = tf.randomNormal([10, 6], 0, 1, 'float32', 3) as tf.Tensor2D; // (N, d)
      const weight = tf.randomNormal([13, 6], 0, 1, 'float32', 4) as tf.Tensor2D; // (V, d)
      const labels = tf.tensor1d([0, 12, 3, 3, 1, 2, 7, 7, 11, 5], 'int32');
      const before = tf.memory().numTensors;
      const options = rowsPerChunk === undefined ? {} : { rowsPerChunk };
      const fused = (x: tf.Tensor, w: tf.Tensor): tf.Scalar =>
        headCrossEntropy(x as tf.Tensor2D, w as tf.Tensor2D, labels, options);
      const unfused = (x: tf.Tensor, w: tf.Tensor): tf.Scalar =>
        crossEntropy(matmul(x as tf.Tensor2D, tf.transpose(w as tf.Tensor2D)), labels);
      const ours = tf.grads(fused)([states, weight]);
      const expected = tf.grads(unfused)([states, weight]);
      const [value, expectedValue] = tf.tidy(() => [fused(states, weight), unfused(states, weight)]);
      expect(Math.abs(value.dataSync()[0]! - expectedValue.dataSync()[0]!)).toBeLessThanOrEqual(ABSOLUTE);
      expect(maxDifference(ours[0]!, expected[0]!)).toBeLessThanOrEqual(ABSOLUTE); // d states (N, d)
      expect(maxDifference(ours[1]!, expected[1]!)).toBeLessThanOrEqual(ABSOLUTE); // d weight (V, d)
      tf.dispose([...ours, ...expected, value, expectedValue]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([states, weight, labels]);
      await tf.setBackend('cpu');
    },
  );
});

describe('headCrossEntropy', () => {
  it('names mismatched shapes, rows, label dtypes and a bad chunk height', () => {
    const states = tf.zeros([2, 3]) as tf.Tensor2D;
    const weight = tf.zeros([5, 3]) as tf.Tensor2D;
    const wide = tf.zeros([5, 4]) as tf.Tensor2D;
    const labels = tf.tensor1d([0], 'int32');
    const floats = tf.tensor1d([0, 1]);
    const two = tf.tensor1d([0, 1], 'int32');
    expect(() => headCrossEntropy(states, wide, two)).toThrow(
      'expected states (N, d) and weight (V, d), got [2, 3] and [5, 4]',
    );
    expect(() => headCrossEntropy(states, weight, labels)).toThrow('2 rows of states but 1 labels');
    expect(() => headCrossEntropy(states, weight, floats)).toThrow('labels must be int32, got float32');
    expect(() => headCrossEntropy(states, weight, two, { rowsPerChunk: 0 })).toThrow(
      'rowsPerChunk must be a positive integer, got 0',
    );
    tf.dispose([states, weight, wide, labels, floats, two]);
  });
});
