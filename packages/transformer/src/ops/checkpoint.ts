/**
 * Activation checkpointing (gradient checkpointing): run a function of one input in the forward
 * pass without keeping anything but that input, and recompute it, this time with a gradient tape,
 * when the backward pass reaches it. Memory: one block's activations and gradients instead of every
 * block's; cost: one more forward of the function (≈ +⅓ of its step time).
 *
 * TF.js has no nested tape: `engine.gradients` started inside a backward pass replaces the
 * engine's active tape and leaves it null, and the outer pass then fails when it frees its own
 * tape. The recomputation therefore saves the outer tape and puts it back (tfjs-core 4.22.0
 * engine.ts `gradients`, `startTape`). Parameters the function reads must be passed in
 * `variables`: a gradient reaches only the op's inputs.
 *
 * References: Chen et al., "Training Deep Nets with Sublinear Memory Cost", arXiv 1604.06174;
 * PyTorch `torch.utils.checkpoint`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '@normfree/core/tfjs';

/**
 * `fn(x)`, recomputed in the backward pass.
 *
 * @param fn - a deterministic function of `x` and of `variables` (no dropout, no observers: it runs
 *   twice).
 * @param x - its input (N, C).
 * @param variables - every trainable tensor `fn` reads; each gets its gradient.
 * @returns `fn(x)`; caller owns it.
 */
export function checkpoint(
  fn: (x: tf.Tensor2D) => tf.Tensor2D,
  x: tf.Tensor2D,
  variables: readonly tf.Tensor[],
): tf.Tensor2D {
  const op = customOp(([input, ...weights]: tf.Tensor[], save) => {
    save([input!]);
    return {
      value: fn(input as tf.Tensor2D),
      gradFunc: (dy, saved) => {
        const savedInput = saved[0] as tf.Tensor2D;
        const engine = tf.engine();
        const outerTape = engine.state.activeTape;
        try {
          const { grads } = engine.gradients(() => fn(savedInput), [savedInput, ...weights], dy as tf.Tensor2D, true);
          return grads.map(
            (gradient, index) => gradient ?? tf.zerosLike(index === 0 ? savedInput : weights[index - 1]!),
          );
        } finally {
          engine.state.activeTape = outerTape;
        }
      },
    };
  });
  return op(x, ...variables) as tf.Tensor2D;
}
