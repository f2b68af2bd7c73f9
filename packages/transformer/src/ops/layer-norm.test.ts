import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { layerNorm } from './layer-norm.js';

/** vs autodiff through the textbook formula; O(1) values in float32. */
const ABSOLUTE = 2e-6;

afterEach(() => {
  tf.disposeVariables();
});

/** The textbook formula, differentiated by TF.js. */
function reference(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), weight), bias);
}

describe('layerNorm', () => {
  it('normalises with the biased variance and eps, then scales and shifts (torch.nn.LayerNorm)', () => {
    // x = [1, 2, 3, 6]: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5
    const values = tf.tidy(() =>
      layerNorm(tf.tensor2d([[1, 2, 3, 6]]), tf.tensor1d([1, 1, 2, 1]), tf.tensor1d([0, 0, 0, 1]), 1e-5).dataSync(),
    );
    const scale = 1 / Math.sqrt(3.5 + 1e-5);
    [-2 * scale, -1 * scale, 0, 3 * scale + 1].forEach((expected, index) =>
      expect(values[index]).toBeCloseTo(expected, 6),
    );
  });

  it.each(['cpu', 'wasm'] as const)(
    'has the gradients of the textbook formula for x, weight and bias on %s',
    async (backend) => {
      await selectBackend({ prefer: backend, strict: true, quiet: true });
      const x = tf.randomNormal([5, 6], 1, 2, 'float32', 1) as tf.Tensor2D;
      const weight = tf.randomNormal([6], 1, 0.5, 'float32', 2) as tf.Tensor1D;
      const bias = tf.randomNormal([6], 0, 0.5, 'float32', 3) as tf.Tensor1D;
      const upstream = tf.randomNormal([5, 6], 0, 1, 'float32', 4);
      const before = tf.memory().numTensors;
      const objective = (norm: typeof reference) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(upstream, norm(a, b, c, 1e-5)));
      const ours = tf.grads(
        objective((a, b, c, eps) => layerNorm(a as tf.Tensor2D, b as tf.Tensor1D, c as tf.Tensor1D, eps)),
      )([x, weight, bias]);
      const expected = tf.grads(objective(reference))([x, weight, bias]);
      ours.forEach((gradient, index) =>
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(gradient, expected[index]!))).dataSync()[0]!)).toBeLessThanOrEqual(
          ABSOLUTE,
        ),
      );
      tf.dispose([...ours, ...expected]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, weight, bias, upstream]);
      await tf.setBackend('cpu');
    },
  );
});
