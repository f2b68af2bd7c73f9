import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { leakyReluWhere } from './leaky-relu.js';

afterEach(() => {
  tf.disposeVariables();
});

describe('leakyReluWhere', () => {
  it('keeps x ≥ 0 and scales x < 0 by the given slope (exact in float32)', () => {
    const values = tf.tidy(() => leakyReluWhere(tf.tensor1d([-2, -0.5, 0, 3]), 0.1).dataSync());
    expect(Array.from(values)).toEqual([Math.fround(-0.2), Math.fround(-0.05), 0, 3]);
  });

  it("uses the explicit slope, never TF.js's default 0.2", () => {
    const values = tf.tidy(() => leakyReluWhere(tf.tensor1d([-1]), 0.01).dataSync());
    expect(values[0]).toBeCloseTo(-0.01, 7);
  });

  it('gives a tensor slope the gradient Σ dy·x over negative inputs', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([-2, -1, 4]);
    const slope = tf.tensor1d([0.3]);
    const gradient = tf.grad((a: tf.Tensor) => tf.sum(leakyReluWhere(x, a)))(slope);
    expect(gradient.shape).toEqual([1]);
    expect(gradient.dataSync()[0]).toBeCloseTo(-3, 6);
    tf.dispose([x, slope, gradient]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
