/**
 * Mean softmax cross-entropy with an explicit backward, (softmax − onehot)/N, built from fast
 * kernels: the (N, V) logits are the largest tensor of a step (toolchain.md §11.9).
 *
 * Forward: −log p[label] = −(x[label] − max x) − log p_max, where p = softmax(x) comes from the
 * backend's Softmax kernel and p_max = max p = 1/Σ exp(x − max x). This is the log-sum-exp form
 * without an (N, V) `exp` pass (on wasm `tf.exp` over (N, V) measured ~8× slower than the whole
 * Softmax kernel), and p_max ≥ 1/V never underflows, unlike log p[label].
 * The one-hot of the backward is a scatter (`tf.oneHot(…, 'float32')` returns int32 bits in a
 * float32 tensor on wasm 4.22.0, observed in this package's tests; broadcast comparisons are slow).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '@normfree/core/tfjs';

const crossEntropyOp = customOp(([logits, labels]: [tf.Tensor2D, tf.Tensor1D], save) => {
  const [count] = logits.shape;
  const picks = tf.stack([tf.range(0, count, 1, 'int32'), labels], 1); // (N, 2) (row, label) pairs
  const probs = tf.softmax(logits); // (N, V)
  const labelLogits = tf.gatherND(logits, picks); // (N,) x[label]
  const logProbs = tf.add(tf.sub(labelLogits, tf.max(logits, -1)), tf.log(tf.max(probs, -1))); // (N,) log p[label] = x[label] − max x + log p_max
  save([probs, picks]);
  return {
    value: tf.div(tf.neg(tf.sum(logProbs)), count), // () mean of −log p[label]
    gradFunc: (dy, saved) => {
      const [savedProbs, savedPicks] = saved as [tf.Tensor2D, tf.Tensor2D];
      const perRow = tf.div(dy, count); // () upstream gradient of each row's term
      const oneHot = tf.scatterND(savedPicks, tf.fill([count], 1), savedProbs.shape); // (N, V)
      return [tf.mul(tf.sub(savedProbs, oneHot), perRow), tf.zeros([count], 'int32')]; // (N, V); labels get none
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
