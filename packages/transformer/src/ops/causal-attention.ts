/**
 * Causal multi-head softmax attention, written for wasm's fast path: every product is a per-(batch,
 * head) 2-D, non-transposed {@link matmul} (toolchain.md §11.3); the scaling, mask and softmax run
 * once on the stacked (B·nh, T, T) scores.
 *
 * Follows the authors' `myGPT2Attention._attn` (model_utils.py:147-177, paper-reference §3.3):
 * scores = q·kᵀ / √hs, masked entries filled with the float32 minimum (`torch.where(tril, scores,
 * finfo.min)`), then softmax over keys, then probs @ v.
 */
import * as tf from '@tensorflow/tfjs-core';
import { matmul } from './matmul.js';

/** The most negative float32, PyTorch's `torch.finfo(torch.float32).min` (model_utils.py:158-168). */
export const FLOAT32_MIN = -3.4028234663852886e38;
/** The largest finite float16 (paper-reference §7). */
export const FLOAT16_MAX = 65504;

/** Options of {@link causalAttention}. */
export interface CausalAttentionOptions {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly nHead: number;
  /** Sees the (B, nh, T, T) probabilities, inside the caller's tidy. */
  readonly onProbabilities?: ((probs: tf.Tensor4D) => void) | undefined;
  /** Sees the (B, nh, T, T) scaled logits before the fp16 emulation and the mask. */
  readonly onLogits?: ((logits: tf.Tensor4D) => void) | undefined;
  /**
   * Map logits with |x| > 65504 to ±Infinity before masking, as fp16 autocast overflows
   * (paper-reference §7): a +Infinity in a row makes that row of probabilities NaN.
   */
  readonly fp16Overflow?: boolean | undefined;
}

/**
 * Split (B·T, nh·hs) into B·nh 2-D blocks, per (b, h), row-major in b then h.
 * @param transposed - give (hs, T) blocks (for kᵀ) instead of (T, hs).
 */
function headBlocks(x: tf.Tensor2D, batchSize: number, seqLen: number, nHead: number, transposed: boolean): tf.Tensor2D[] {
  const headDim = x.shape[1] / nHead;
  const split = tf.reshape(x, [batchSize, seqLen, nHead, headDim]); // (B, T, nh, hs)
  const perm = transposed ? [0, 2, 3, 1] : [0, 2, 1, 3];
  const heads = tf.transpose(split, perm); // (B, nh, T, hs) or (B, nh, hs, T)
  const rows = transposed ? headDim : seqLen;
  const columns = transposed ? seqLen : headDim;
  return tf.unstack(tf.reshape(heads, [batchSize * nHead, rows, columns])) as tf.Tensor2D[]; // B·nh × (rows, columns)
}

/** The (T, T) lower-triangular boolean mask: key k is visible from query i when k ≤ i. */
function causalMask(seqLen: number): tf.Tensor2D {
  const positions = tf.range(0, seqLen, 1, 'int32'); // (T,)
  return tf.greaterEqual(tf.reshape(positions, [seqLen, 1]), tf.reshape(positions, [1, seqLen])); // (T, 1) >= (1, T) -> (T, T)
}

/**
 * softmax(mask(q·kᵀ/√hs)) · v per head, heads merged back.
 *
 * @param q - (B·T, nh·hs) queries (rows ordered batch-major).
 * @param k - (B·T, nh·hs) keys.
 * @param v - (B·T, nh·hs) values.
 * @returns (B·T, nh·hs) merged head outputs; caller owns it. Call inside a tidy: the observers get
 *   tensors that the tidy frees.
 */
export function causalAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, options: CausalAttentionOptions): tf.Tensor2D {
  const { batchSize: B, seqLen: T, nHead: nh } = options;
  const width = q.shape[1];
  const headDim = width / nh;
  return tf.tidy(() => {
    const queries = headBlocks(q, B, T, nh, false); // B·nh × (T, hs)
    const keysT = headBlocks(k, B, T, nh, true); // B·nh × (hs, T)
    const values = headBlocks(v, B, T, nh, false); // B·nh × (T, hs)
    const scores = tf.stack(queries.map((query, index) => matmul(query, keysT[index]!))); // B·nh × (T, hs) @ (hs, T) -> (B·nh, T, T)
    const scaled = tf.div(scores, Math.sqrt(headDim)) as tf.Tensor3D; // (B·nh, T, T); divide, as the reference does
    options.onLogits?.(tf.reshape(scaled, [B, nh, T, T]));
    const overflowed = options.fp16Overflow === true
      ? tf.where(tf.greater(tf.abs(scaled), FLOAT16_MAX), tf.mul(tf.sign(scaled), Number.POSITIVE_INFINITY), scaled) // (B·nh, T, T), ±Inf beyond fp16
      : scaled;
    const masked = tf.where(causalMask(T), overflowed, tf.scalar(FLOAT32_MIN)); // (T, T) ? (B·nh, T, T) : () -> (B·nh, T, T)
    const probs = tf.softmax(masked); // (B·nh, T, T), rows sum to 1, zeros above the diagonal
    options.onProbabilities?.(tf.reshape(probs, [B, nh, T, T]));
    const rows = tf.unstack(probs) as tf.Tensor2D[]; // B·nh × (T, T)
    const outputs = tf.stack(rows.map((row, index) => matmul(row, values[index]!))); // B·nh × (T, T) @ (T, hs) -> (B·nh, T, hs)
    const merged = tf.transpose(tf.reshape(outputs, [B, nh, T, headDim]), [0, 2, 1, 3]); // (B, T, nh, hs)
    return tf.reshape(merged, [B * T, width]) as tf.Tensor2D; // (B·T, nh·hs)
  });
}
