/**
 * ReLU, max(x, 0) (`nn.ReLU`, paper-reference §4). Its gradient at 0 is 0, as in PyTorch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './api.js';
import { statelessActivation } from './stateless-activation.js';

/**
 * Create a ReLU activation.
 *
 * @param options.layer - the layer it serves (default 0).
 * @returns an activation without variables; `apply` returns a tensor the caller owns.
 */
export function createRelu(options: { layer?: number } = {}): Activation {
  return statelessActivation({ kind: 'relu', layer: options.layer ?? 0, apply: (x) => tf.relu(x) });
}
