/**
 * GPT-2's tanh approximation of GELU (`gelu_new`). The authors overwrite it with the exact form
 * (paper-reference §3.1); this exists for comparisons.
 */
import type { Activation } from './api.js';
import { geluTanh } from './ops/gelu.js';
import { statelessActivation } from './stateless-activation.js';

/**
 * Create a tanh-approximated GELU activation.
 *
 * @param options.layer - the layer it serves (default 0).
 * @returns an activation without variables; `apply` returns a tensor the caller owns.
 */
export function createGeluTanh(options: { layer?: number } = {}): Activation {
  return statelessActivation({ kind: 'gelu-tanh', layer: options.layer ?? 0, apply: (x) => geluTanh(x) });
}
