/**
 * Causal multi-head softmax attention as one op with a hand-written backward, written for the
 * weakest backend (toolchain.md §11.3):
 * - every product goes through {@link blockProducts}: on wasm, per-(batch, head) 2-D non-transposed
 *   products (XNNPACK's fast path; batched or transposed products fall back to a naive loop there)
 *   with heads cut by `tf.gather`, because wasm's `Slice` copies its whole input on every call
 *   (attention forward+backward of one bench layer: 2.5-3.9 s with `tf.unstack`, 0.4-0.6 s with
 *   gathers, same loaded machine); one batched product elsewhere;
 * - transposed operands go through {@link blockProductsT}: flags of one batched product where the
 *   backend declared fast products (native sgemm), explicit whole-stack `tf.transpose` calls elsewhere;
 * - the scale, the mask and the softmax run once on the stacked (B·nh, T, T) scores.
 *
 * Follows the authors' `myGPT2Attention._attn` (model_utils.py:147-177, paper-reference §3.3):
 * scores = q·kᵀ / √hs, entries above the diagonal replaced by the float32 minimum
 * (`torch.where(tril, scores, finfo.min)`), softmax over keys, then probs @ v.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp, hasFusedKernel, runFusedKernel } from '@normfree/core/tfjs';
import { blockProducts, blockProductsT } from './matmul.js';

/** The most negative float32, PyTorch's `torch.finfo(torch.float32).min` (model_utils.py:158-168). */
export const FLOAT32_MIN = -3.4028234663852886e38;
/** The largest finite float16 (paper-reference §7). */
export const FLOAT16_MAX = 65504;

/** Options of {@link causalAttention}. */
export interface CausalAttentionOptions {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly nHead: number;
  /** Sees the (B, nh, T, T) probabilities, inside the caller's tidy; must not keep them. */
  readonly onProbabilities?: ((probs: tf.Tensor4D) => void) | undefined;
  /** Sees the (B, nh, T, T) scaled logits before the fp16 emulation and the mask; must not keep them. */
  readonly onLogits?: ((logits: tf.Tensor4D) => void) | undefined;
  /**
   * Map logits with |x| > 65504 to ±Infinity before masking, as fp16 autocast overflows
   * (paper-reference §7): a +Infinity in a visible position makes that row of probabilities NaN.
   */
  readonly fp16Overflow?: boolean | undefined;
}

/** (B·T, nh·hs) -> (B·nh, T, hs), blocks ordered batch-major then head. */
function toHeads(x: tf.Tensor, B: number, T: number, nh: number): tf.Tensor3D {
  const hs = x.shape[1]! / nh;
  return tf.reshape(tf.transpose(tf.reshape(x, [B, T, nh, hs]), [0, 2, 1, 3]), [B * nh, T, hs]); // (B, T, nh, hs) -> (B, nh, T, hs) -> (B·nh, T, hs)
}

/** (B·nh, T, hs) -> (B·T, nh·hs): merge heads back. */
function fromHeads(x: tf.Tensor, B: number, T: number, nh: number): tf.Tensor2D {
  const hs = x.shape[x.rank - 1]!;
  return tf.reshape(tf.transpose(tf.reshape(x, [B, nh, T, hs]), [0, 2, 1, 3]), [B * T, nh * hs]); // (B, nh, T, hs) -> (B, T, nh, hs) -> (B·T, nh·hs)
}

/** (T, T) additive mask: 0 where key k ≤ query i, float32 min above the diagonal. */
function causalBias(T: number): tf.Tensor2D {
  const values = new Float32Array(T * T);
  for (let query = 0; query < T; query++) values.fill(FLOAT32_MIN, query * T + query + 1, (query + 1) * T);
  return tf.tensor2d(values, [T, T]);
}

/** (T, T) boolean mask: true where key k ≤ query i. */
function causalMask(T: number): tf.Tensor2D {
  const positions = tf.range(0, T, 1, 'int32'); // (T,)
  return tf.greaterEqual(tf.reshape(positions, [T, 1]), tf.reshape(positions, [1, T])); // (T, 1) >= (1, T) -> (T, T)
}

/**
 * softmax(mask(q·kᵀ/√hs)) · v per head, heads merged back.
 *
 * @param q - (B·T, nh·hs) queries (rows ordered batch-major).
 * @param k - (B·T, nh·hs) keys.
 * @param v - (B·T, nh·hs) values.
 * @returns (B·T, nh·hs) merged head outputs; caller owns it. Differentiable with respect to q, k, v.
 * @remarks Masking: with finite scores, adding the float32 minimum gives exactly the float32 minimum
 *   (|score| is far below half an ulp of 3.4e38), the same as the reference's `torch.where`, and the
 *   add broadcasts cheaply. With `fp16Overflow` the scores may hold ±Infinity, so the mask is a
 *   `tf.where`, as in the reference.
 */
export function causalAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  options: CausalAttentionOptions,
): tf.Tensor2D {
  const { batchSize: B, seqLen: T, nHead: nh } = options;
  const width = q.shape[1];
  if (width % nh !== 0) throw new Error(`causalAttention: width ${width} is not divisible by nHead ${nh}`);
  for (const [name, tensor] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    if (tensor.rank !== 2 || tensor.shape[0] !== B * T || tensor.shape[1] !== width) {
      throw new Error(
        `causalAttention: ${name} must be (B·T, width) = (${B * T}, ${width}), got [${tensor.shape.join(', ')}]`,
      );
    }
  }
  const scale = Math.sqrt(width / nh); // √hs
  const op = customOp(([queries, keys, values]: [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D], save) => {
    const qh = toHeads(queries, B, T, nh); // (B·nh, T, hs)
    const kh = toHeads(keys, B, T, nh); // (B·nh, T, hs)
    const vh = toHeads(values, B, T, nh); // (B·nh, T, hs)
    const scores = blockProductsT(qh, kh, false, true); // (B·nh, T, hs) @ (B·nh, T, hs)ᵀ -> (B·nh, T, T)
    let probs: tf.Tensor3D; // (B·nh, T, T), rows sum to 1, zeros above the diagonal
    if (options.onLogits === undefined && options.fp16Overflow !== true && hasFusedKernel('causalSoftmax')) {
      probs = runFusedKernel('causalSoftmax', { scores }, { scale }) as tf.Tensor3D; // the three lines below in one pass
    } else {
      const scaled = tf.div(scores, scale) as tf.Tensor3D; // (B·nh, T, T), divided as the reference does
      if (options.onLogits !== undefined) options.onLogits(tf.reshape(scaled, [B, nh, T, T]));
      const masked =
        options.fp16Overflow === true
          ? tf.where(
              causalMask(T),
              tf.where(
                tf.greater(tf.abs(scaled), FLOAT16_MAX),
                tf.mul(tf.sign(scaled), Number.POSITIVE_INFINITY),
                scaled,
              ),
              tf.scalar(FLOAT32_MIN),
            ) // (B·nh, T, T), ±Inf beyond fp16, then masked
          : tf.add(scaled, causalBias(T)); // (B·nh, T, T) + (T, T)
      probs = tf.softmax(masked) as tf.Tensor3D;
    }
    if (options.onProbabilities !== undefined) options.onProbabilities(tf.reshape(probs, [B, nh, T, T]));
    save([qh, kh, vh, probs]);
    return {
      value: fromHeads(blockProducts(probs, vh), B, T, nh), // (B·nh, T, T) @ (B·nh, T, hs) -> (B·T, nh·hs)
      gradFunc: (dy, saved) => {
        const [savedQ, savedK, savedV, savedProbs] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dOut = toHeads(dy, B, T, nh); // (B·nh, T, hs)
        const dProbs = blockProductsT(dOut, savedV, false, true); // (B·nh, T, hs) @ (B·nh, T, hs)ᵀ -> (B·nh, T, T)
        const dValues = blockProductsT(savedProbs, dOut, true, false); // (B·nh, T, T)ᵀ @ (B·nh, T, hs) -> (B·nh, T, hs)
        // softmax backward: dS = P ⊙ (dP − Σ_k dP ⊙ P), then the 1/√hs scale; masked entries have P = 0
        const dScores = (
          hasFusedKernel('softmaxGrad')
            ? runFusedKernel('softmaxGrad', { probs: savedProbs, dprobs: dProbs }, { scale })
            : tf.div(tf.mul(savedProbs, tf.sub(dProbs, tf.sum(tf.mul(dProbs, savedProbs), -1, true))), scale)
        ) as tf.Tensor3D; // (B·nh, T, T)
        const dQueries = blockProducts(dScores, savedK); // (B·nh, T, T) @ (B·nh, T, hs) -> (B·nh, T, hs)
        const dKeys = blockProductsT(dScores, savedQ, true, false); // (B·nh, T, T)ᵀ @ (B·nh, T, hs) -> (B·nh, T, hs)
        return [fromHeads(dQueries, B, T, nh), fromHeads(dKeys, B, T, nh), fromHeads(dValues, B, T, nh)]; // 3 × (B·T, nh·hs)
      },
    };
  });
  return op(q, k, v) as tf.Tensor2D;
}
