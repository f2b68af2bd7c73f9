/**
 * Global-norm gradient clipping as `torch.nn.utils.clip_grad_norm_` does it (the HF Trainer's
 * `max_grad_norm`): every gradient is multiplied by min(1, maxNorm / (n + 1e-6)), n the L2 norm over
 * all gradients together.
 *
 * References: paper-reference §5.2 (max_grad_norm 1.0); fixtures/reference-tiny/README.md
 * "`optimizer_steps`" (the 1e-6 and the float32 norm).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ClippedGradients {
  /** The scaled gradients, same names. Caller owns these tensors. */
  readonly gradients: Map<string, tf.Tensor>;
  /** Global L2 norm BEFORE clipping, as a scalar. Caller owns it. */
  readonly norm: tf.Scalar;
}

/**
 * Clip gradients by their global L2 norm.
 *
 * @param gradients - by parameter name; not disposed.
 * @param maxNorm - the clip threshold; 0 (or less) disables clipping (HF: `max_grad_norm > 0`) but
 *   the norm is still computed.
 * @returns new tensors (caller owns them): the scaled gradients and the pre-clip norm. A non-finite
 *   norm gives non-finite gradients, as in PyTorch; the trainer stops before applying them.
 */
export function clipGradientsByGlobalNorm(
  gradients: ReadonlyMap<string, tf.Tensor>,
  maxNorm: number,
): ClippedGradients {
  const names = [...gradients.keys()];
  // tidy keeps tensors in arrays and plain objects, not in Maps: return an array, build the Map after
  const { norm, scaled } = tf.tidy(() => {
    // one tidy per tensor frees its squares at once: a tidy over all of them held a second copy of
    // every gradient (500 MB for GPT-2 124M; docs/performance.md, "The paper's sizes on CPU")
    const squares = [...gradients.values()].map((gradient) => tf.tidy(() => tf.sum(tf.square(gradient)))); // one () per tensor
    const total = tf.sqrt(squares.length === 0 ? tf.scalar(0) : tf.addN(squares)) as tf.Scalar; // ()
    const coefficient = maxNorm > 0 ? tf.minimum(1, tf.div(maxNorm, tf.add(total, 1e-6))) : tf.scalar(1); // ()
    return { norm: total, scaled: [...gradients.values()].map((gradient) => tf.mul(gradient, coefficient)) };
  });
  return { gradients: new Map(names.map((name, index) => [name, scaled[index]!])), norm };
}
