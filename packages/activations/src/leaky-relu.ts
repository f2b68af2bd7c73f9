/**
 * Leaky ReLU with a fixed negative slope: the authors' custom `LeakyReLU` (model_utils.py:307-323,
 * paper-reference §4). The slope is always explicit: TF.js's `tf.leakyRelu` silently defaults to 0.2.
 */
import type { Activation } from './api.js';
import { leakyReluWhere } from './ops/leaky-relu.js';
import { statelessActivation } from './stateless-activation.js';

/** Options of {@link createLeakyRelu}. */
export interface LeakyReluOptions {
  /** The negative slope; the authors' code attests 0.01 and 0.1. Required. */
  readonly slope: number;
  /** The layer it serves (default 0). */
  readonly layer?: number;
}

/**
 * Create a fixed-slope leaky ReLU, `where(x >= 0, x, slope·x)`.
 *
 * @param options.slope - the negative slope (finite number).
 * @returns an activation without variables; `apply` returns a tensor the caller owns.
 * @throws Error naming `slope` and its value when it is not a finite number.
 * @example
 * ```ts
 * const activation = createLeakyRelu({ slope: 0.01 });        // not createLeakyRelu(0.01)
 * ```
 */
export function createLeakyRelu(options: LeakyReluOptions): Activation {
  const slope = options.slope;
  if (typeof slope !== 'number' || !Number.isFinite(slope)) {
    throw new Error(
      `leaky-relu: slope must be a finite number (TF.js would silently use 0.2), got ${JSON.stringify(slope)}`,
    );
  }
  return statelessActivation({ kind: 'leaky-relu', layer: options.layer ?? 0, apply: (x) => leakyReluWhere(x, slope) });
}
