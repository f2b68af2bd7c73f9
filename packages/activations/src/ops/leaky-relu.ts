/**
 * The authors' leaky ReLU formula as one op: `where(x >= 0, x, a·x)` (paper-reference §4,
 * model_utils.py:319 and :354-356). `tf.leakyRelu` is avoided on purpose: it defaults alpha to 0.2
 * (style.md §2) and cannot take a tensor slope.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Leaky ReLU with a number or tensor slope.
 *
 * @param x - any shape, float32.
 * @param slope - a number, or a tensor broadcastable against `x` (e.g. shape (1,)); a tensor slope
 *   receives the gradient Σ dy·x over the negative entries.
 * @returns same shape as `x`; caller owns it.
 * @example
 * ```ts
 * leakyReluWhere(tf.tensor1d([-2, 3]), 0.1).print(); // [-0.2, 3]
 * ```
 */
export function leakyReluWhere<T extends tf.Tensor>(x: T, slope: number | tf.Tensor): T {
  return tf.tidy(() => tf.where(tf.greaterEqual(x, 0), x, tf.mul(slope, x))) as T; // same shape as x
}
