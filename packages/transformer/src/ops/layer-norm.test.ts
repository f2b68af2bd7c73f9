import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { layerNorm } from './layer-norm.js';

afterEach(() => {
  tf.disposeVariables();
});

describe('layerNorm', () => {
  it('normalises with the biased variance and eps, then scales and shifts (torch.nn.LayerNorm)', () => {
    // x = [1, 2, 3, 6]: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5
    const values = tf.tidy(() => layerNorm(tf.tensor2d([[1, 2, 3, 6]]), tf.tensor1d([1, 1, 2, 1]), tf.tensor1d([0, 0, 0, 1]), 1e-5).dataSync());
    const scale = 1 / Math.sqrt(3.5 + 1e-5);
    [-2 * scale, -1 * scale, 0, 3 * scale + 1].forEach((expected, index) => expect(values[index]).toBeCloseTo(expected, 6));
  });
});
