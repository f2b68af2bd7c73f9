import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { clipGradientsByGlobalNorm } from './clip-gradients.js';

/** float32 arithmetic on a few numbers. */
const tolerance = 1e-6;

afterEach(() => {
  tf.disposeVariables();
});

describe('clipGradientsByGlobalNorm', () => {
  it('scales every gradient by min(1, max/(n + 1e-6)) with n over all tensors together', () => {
    const before = tf.memory().numTensors;
    const gradients = new Map([
      ['a', tf.tensor([3, 0])],
      ['b', tf.tensor([[4]])],
    ]); // n = 5
    const clipped = clipGradientsByGlobalNorm(gradients, 1);
    expect(Math.abs(clipped.norm.dataSync()[0]! - 5)).toBeLessThan(tolerance);
    const coefficient = 1 / (5 + 1e-6);
    expect(Math.abs(clipped.gradients.get('a')!.dataSync()[0]! - 3 * coefficient)).toBeLessThan(tolerance);
    expect(clipped.gradients.get('b')!.shape).toEqual([1, 1]);
    expect(Math.abs(clipped.gradients.get('b')!.dataSync()[0]! - 4 * coefficient)).toBeLessThan(tolerance);
    tf.dispose([...gradients.values(), ...clipped.gradients.values(), clipped.norm]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaves gradients below the threshold unchanged and disables clipping at maxNorm 0', () => {
    const before = tf.memory().numTensors;
    const gradients = new Map([['a', tf.tensor([0.3, 0.4])]]);
    const small = clipGradientsByGlobalNorm(gradients, 1);
    expect(Array.from(small.gradients.get('a')!.dataSync())).toEqual(Array.from(gradients.get('a')!.dataSync()));
    const disabled = clipGradientsByGlobalNorm(gradients, 0);
    expect(Math.abs(disabled.norm.dataSync()[0]! - 0.5)).toBeLessThan(tolerance);
    expect(Array.from(disabled.gradients.get('a')!.dataSync())).toEqual(Array.from(gradients.get('a')!.dataSync()));
    tf.dispose([
      ...gradients.values(),
      ...small.gradients.values(),
      small.norm,
      ...disabled.gradients.values(),
      disabled.norm,
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('propagates NaN into the norm so the trainer can stop', () => {
    const before = tf.memory().numTensors;
    const gradients = new Map([['a', tf.tensor([Number.NaN, 1])]]);
    const clipped = clipGradientsByGlobalNorm(gradients, 1);
    expect(Number.isNaN(clipped.norm.dataSync()[0]!)).toBe(true);
    tf.dispose([...gradients.values(), ...clipped.gradients.values(), clipped.norm]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
