/**
 * The identity "activation": the companion paper's SM+LN / SM rows (no FFN non-linearity,
 * paper-reference §1).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './api.js';
import { statelessActivation } from './stateless-activation.js';

/**
 * Create the identity activation, f(x) = x.
 *
 * @param options.layer - the layer it serves (default 0).
 * @returns an activation without variables; `apply` returns a new tensor (a clone) the caller owns.
 */
export function createIdentity(options: { layer?: number } = {}): Activation {
  return statelessActivation({ kind: 'identity', layer: options.layer ?? 0, apply: (x) => tf.clone(x) });
}
