/**
 * Attention entropy of softmax probabilities, as the authors compute it: natural log, no ε, terms
 * with p = 0 (the causal mask) or p = NaN dropped (`-torch.nansum(p * log p)`), so 0·log 0 = 0.
 *
 * References:
 * 1. paper-reference §6.1 (train_utils.py:170-175; per head: train_util_everything.py @ 7369231,
 *    lines 529-540).
 * 2. paper-reference §2 item 9 (nansum, no ε).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Shannon entropy (nats) of every attention row.
 *
 * @param probs - (B, nh, T, T) softmax probabilities; zeros above the diagonal; may hold NaN rows.
 * @returns (B, nh, T) row entropies `-Σ_k p·ln p` over the terms with p > 0 (a NaN row gives 0, as
 *   `nansum` does). Caller owns the returned tensor.
 * @remarks `where(p > 0, …)` is the nansum form without relying on every backend producing NaN for
 *   0·(−∞): a NaN compares false, so NaN terms drop out exactly as `nansum` drops them.
 * @example
 * ```ts
 * const rows = attentionRowEntropy(tf.ones([1, 1, 1, 4]).div(4) as tf.Tensor4D); // [[[ln 4]]]
 * ```
 */
export function attentionRowEntropy(probs: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const positive = tf.greater(probs, 0); // (B, nh, T, T) bool
    const safe = tf.where(positive, probs, tf.onesLike(probs)); // (B, nh, T, T), ln 1 = 0 where dropped
    const terms = tf.where(positive, tf.mul(probs, tf.log(safe)), tf.zerosLike(probs)); // (B, nh, T, T)
    // 0 − Σ rather than −Σ: a row with no terms is +0, not −0
    return tf.sub(0, tf.sum(terms, -1)) as tf.Tensor3D; // (B, nh, T)
  });
}

/**
 * Sum of row entropies per head, over batch and ALL query positions (position 0 included; its row
 * has one key and entropy 0, paper-reference §6.1). Divide by B·T for the authors' per-head mean.
 *
 * @param probs - (B, nh, T, T) softmax probabilities.
 * @returns (nh,) sums in nats. Caller owns the returned tensor.
 */
export function headEntropySums(probs: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(attentionRowEntropy(probs), [0, 2]) as tf.Tensor1D); // (B, nh, T) -> (nh,)
}

/**
 * Mean attention entropy per head over batch and query positions: `E[h] = ent[:, h, :].mean()`.
 *
 * @param probs - (B, nh, T, T) softmax probabilities.
 * @returns (nh,) entropies in nats. Caller owns the returned tensor.
 * @example
 * ```ts
 * // uniform causal attention at T = 8: mean over i = 1..8 of ln i = 1.3256 for every head
 * ```
 */
export function headEntropy(probs: tf.Tensor4D): tf.Tensor1D {
  const [batchSize, , seqLen] = probs.shape;
  return tf.tidy(() => tf.div(headEntropySums(probs), batchSize * seqLen) as tf.Tensor1D); // (nh,)
}

/**
 * 1 where `mask` holds, else 0, as float32 of `like`'s shape. Not `tf.cast(mask, 'float32')`: on
 * tfjs-backend-webgpu 4.22 that cast keeps the bool buffer (an `identity`), and the `tf.sum` over
 * axes [0, 2, 3] below transposes it with a shader that reads i32 into an f32 output: the WGSL fails
 * to compile and the whole command buffer is dropped (on SwiftShader the model's first step then
 * trained on zeros). `tf.where` writes a real float32 buffer on every backend.
 */
function countable(mask: tf.Tensor, like: tf.Tensor): tf.Tensor {
  return tf.where(mask, tf.onesLike(like), tf.zerosLike(like));
}

/**
 * NaN elements of each head's probabilities over the whole batch, as the authors count them
 * (`isnan(attn_mat[:, h, :, :]).sum()`, paper-reference §7). A fully NaN row contributes T.
 *
 * @param probs - (B, nh, T, T) softmax probabilities.
 * @returns (nh,) float32 counts. Caller owns the returned tensor.
 */
export function headNanCounts(probs: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(countable(tf.isNaN(probs), probs), [0, 2, 3]) as tf.Tensor1D); // (B, nh, T, T) -> (nh,)
}

/** The largest finite float16 value; larger magnitudes overflow to ±Infinity under fp16 autocast. */
export const float16Max = 65504;

/**
 * Attention logits per head whose magnitude exceeds the fp16 range (|x| > 65504): the proxy for the
 * authors' fp16 NaNs that paper-reference §7 suggests for an fp32 implementation.
 *
 * @param logits - (B, nh, T, T) pre-softmax, pre-mask logits, already scaled by 1/√hs.
 * @returns (nh,) float32 counts over the whole batch (±Infinity counts, NaN does not). Caller owns
 *   the returned tensor.
 */
export function headFp16OverflowCounts(logits: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(countable(tf.greater(tf.abs(logits), float16Max), logits), [0, 2, 3]) as tf.Tensor1D); // (nh,)
}
