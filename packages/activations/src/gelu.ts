/**
 * Exact (erf) GELU, the authors' default activation (paper-reference §2 item 5, default.yaml:22).
 */
import type { Activation } from './api.js';
import { geluErf } from './ops/gelu.js';
import { statelessActivation } from './stateless-activation.js';

/**
 * Create an exact GELU activation, x·Φ(x) (PyTorch `F.gelu`, `approximate='none'`).
 *
 * @param options.layer - the layer it serves (default 0).
 * @returns an activation without variables; `apply` returns a tensor the caller owns.
 */
export function createGelu(options: { layer?: number } = {}): Activation {
  return statelessActivation({ kind: 'gelu', layer: options.layer ?? 0, apply: (x) => geluErf(x) });
}
