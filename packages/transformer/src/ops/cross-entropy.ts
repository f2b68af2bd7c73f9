/**
 * Mean softmax cross-entropy with an explicit backward, (softmax − onehot)/N: one pass over the
 * (N, V) logits each way instead of autodiff through log-softmax (the largest tensor of a step,
 * toolchain.md §11.9).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';

const crossEntropyOp = customOp(([logits, labels]: [tf.Tensor2D, tf.Tensor1D], save) => {
  const [count, vocabSize] = logits.shape;
  const shifted = tf.sub(logits, tf.max(logits, -1, true)); // (N, V), row max 0
  const logSumExp = tf.log(tf.sum(tf.exp(shifted), -1, true)); // (N, 1)
  const logProbs = tf.sub(shifted, logSumExp); // (N, V)
  // Not tf.oneHot(…, 'float32'): on wasm 4.22.0 it returns int32 bits in a float32 tensor (label 1 reads
  // as 1.4e-45; observed in this package's tests). A comparison with a range works on every backend.
  const oneHot = tf.cast(tf.equal(tf.reshape(labels, [count, 1]), tf.reshape(tf.range(0, vocabSize, 1, 'int32'), [1, vocabSize])), 'float32'); // (N, 1) == (1, V) -> (N, V)
  save([tf.exp(logProbs), oneHot, labels]);
  return {
    value: tf.div(tf.neg(tf.sum(tf.mul(logProbs, oneHot))), count), // () mean of −log p[label]
    gradFunc: (dy, saved) => {
      const [probs, savedOneHot, savedLabels] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      return [tf.mul(tf.sub(probs, savedOneHot), tf.div(dy, count)), tf.zerosLike(savedLabels)]; // (N, V); labels get none
    },
  };
});

/**
 * Mean over rows of −log softmax(logits)[label].
 *
 * @param logits - (N, V) float32.
 * @param labels - (N,) int32 in [0, V).
 * @returns a scalar; caller owns it.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  if (labels.dtype !== 'int32') throw new Error(`crossEntropy: labels must be int32, got ${labels.dtype}`);
  if (logits.shape[0] !== labels.shape[0]) {
    throw new Error(`crossEntropy: ${logits.shape[0]} rows of logits but ${labels.shape[0]} labels`);
  }
  return crossEntropyOp(logits, labels) as tf.Scalar;
}
