/**
 * Attention tensors with analytic entropies, for tests of this package and others.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Uniform causal attention: row i attends equally to keys 0..i, so its entropy is ln(i + 1) and a
 * head's mean over T rows is mean_{i=1..T} ln i (1.3256 at T = 8).
 *
 * @returns (B, nh, T, T) probabilities. Caller owns the returned tensor.
 */
export function uniformCausalAttention(shape: { batchSize: number; nHead: number; seqLen: number }): tf.Tensor4D {
  const { batchSize, nHead, seqLen } = shape;
  return tf.tidy(() => {
    const mask = tf.linalg.bandPart(tf.ones([seqLen, seqLen]), -1, 0);             // (T, T) lower triangle of ones
    const rows = tf.div(mask, tf.sum(mask, -1, true));                            // (T, T) rows sum to 1
    return tf.tile(tf.reshape(rows, [1, 1, seqLen, seqLen]), [batchSize, nHead, 1, 1]) as tf.Tensor4D; // (B, nh, T, T)
  });
}

/**
 * One-hot causal attention: every row puts all its mass on key 0, so every entropy is 0.
 *
 * @returns (B, nh, T, T) probabilities. Caller owns the returned tensor.
 */
export function oneHotAttention(shape: { batchSize: number; nHead: number; seqLen: number }): tf.Tensor4D {
  const { batchSize, nHead, seqLen } = shape;
  return tf.tidy(() => {
    const rows = tf.oneHot(tf.zeros([seqLen], 'int32'), seqLen, 1, 0, 'float32');   // (T, T) column 0 ones
    return tf.tile(tf.reshape(rows, [1, 1, seqLen, seqLen]), [batchSize, nHead, 1, 1]) as tf.Tensor4D; // (B, nh, T, T)
  });
}
