import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { blockProducts, linear, matmul } from './matmul.js';

/** float32 products of length-5 dot products of N(0,1) values: rounding ≪ 1e-5. */
const ABSOLUTE = 1e-5;

afterEach(() => {
  tf.disposeVariables();
});

const close = (actual: tf.Tensor, expected: tf.Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0]!);

describe.each(['cpu', 'wasm'] as const)('matmul on %s', (backend) => {
  it('equals tf.matMul forward and in both gradients', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const before = tf.memory().numTensors;
    const a = tf.randomNormal([3, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.sin(matmul(x as tf.Tensor2D, y as tf.Tensor2D))))([
      a,
      b,
    ]);
    const reference = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.sin(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D))),
    )([a, b]);
    const product = matmul(a, b);
    const expected = tf.matMul(a, b);
    expect(close(product, expected)).toBeLessThanOrEqual(ABSOLUTE);
    expect(close(ours[0]!, reference[0]!)).toBeLessThanOrEqual(ABSOLUTE);
    expect(close(ours[1]!, reference[1]!)).toBeLessThanOrEqual(ABSOLUTE);
    tf.dispose([a, b, product, expected, ...ours, ...reference]);
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
  });

  it('computes stacked block products equal to a batched tf.matMul', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const before = tf.memory().numTensors;
    const error = tf.tidy(() => {
      const a = tf.randomNormal([4, 3, 5], 0, 1, 'float32', 3) as tf.Tensor3D;
      const b = tf.randomNormal([4, 5, 2], 0, 1, 'float32', 4) as tf.Tensor3D;
      return tf.max(tf.abs(tf.sub(blockProducts(a, b), tf.matMul(a, b)))).dataSync()[0]!;
    });
    expect(error).toBeLessThanOrEqual(ABSOLUTE);
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
  });
});

describe('matmul and linear', () => {
  it('names both shapes when they do not fit', () => {
    const a = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => matmul(a, a)).toThrow('matmul: expected (M, K) @ (K, N), got [2, 3] @ [2, 3]');
    a.dispose();
  });

  it('adds the bias of x @ W + b', () => {
    const values = tf.tidy(() =>
      linear(
        tf.tensor2d([[1, 2]]),
        tf.tensor2d([
          [1, 0],
          [0, 1],
        ]),
        tf.tensor1d([10, 20]),
      ).dataSync(),
    );
    expect(Array.from(values)).toEqual([11, 22]);
  });
});
