/**
 * A typed wrapper around `tf.customGrad`, whose own typing hands the save function in the same
 * rest-array as the inputs. The activations' and the transformer's ops are built on it; it lives in
 * core (behind `@normfree/core/tfjs`) so neither package borrows it from the other (ARCHITECTURE
 * rule 1).
 *
 * References:
 * 1. tfjs-core `customGrad` (gradients.ts): `f(...inputs, save)` returns `{ value, gradFunc(dy, saved) }`.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What a custom op's forward returns: the value and its backward. */
export interface CustomOpResult {
  readonly value: tf.Tensor;
  /** Gradients with respect to each input, in order; use only `saved` tensors and `dy` here. */
  readonly gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}

/**
 * Make an op with an explicit backward. Tensors the backward needs must go through `save` (the
 * forward runs inside a tidy; only saved tensors survive until backprop).
 *
 * @param forward - computes the value from the inputs.
 * @returns a function of the inputs; its result is owned by the caller.
 * @example
 * ```ts
 * const square = customOp(([x]: [tf.Tensor], save) => {
 *   save([x]);
 *   return { value: tf.square(x), gradFunc: (dy, [saved]) => tf.mul(dy, tf.mul(2, saved!)) };
 * });
 * tf.grad((x: tf.Tensor) => square(x))(tf.tensor1d([3])).print(); // [6]
 * ```
 */
export function customOp<Inputs extends tf.Tensor[]>(
  forward: (inputs: Inputs, save: tf.GradSaveFunc) => CustomOpResult,
): (...inputs: Inputs) => tf.Tensor {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const result = forward(args.slice(0, -1) as Inputs, save);
    // The backward runs in its own tidy: TF.js calls a custom gradient outside any per-node scope,
    // so its temporaries (transposes, partial products) otherwise live until the whole backward
    // pass ends; for GPT-2 124M that held the wasm heap past 4 GB (docs/performance.md, "The
    // paper's sizes on CPU").
    return {
      value: result.value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.tidy(() => result.gradFunc(dy, saved)),
    };
  });
  return (...inputs: Inputs) => op(...inputs);
}
