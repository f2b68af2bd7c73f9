/**
 * LayerNorm over the last axis with the biased variance, as `torch.nn.LayerNorm` (eps 1e-5 in the
 * authors' models, paper-reference §3.2 and §3.6).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * (x − mean) / √(var + eps) · weight + bias, statistics over the last axis.
 *
 * @param x - (N, C).
 * @param weight - (C,) gain.
 * @param bias - (C,) shift.
 * @param epsilon - added to the biased variance (the authors: 1e-5).
 * @returns (N, C); caller owns it.
 */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  return tf.tidy(() => {
    const mean = tf.mean(x, -1, true); // (N, 1)
    const centered = tf.sub(x, mean); // (N, C)
    const variance = tf.mean(tf.square(centered), -1, true); // (N, 1), biased (divides by C)
    const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))); // (N, C)
    return tf.add(tf.mul(normed, weight), bias); // (N, C)
  });
}
