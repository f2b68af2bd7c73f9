/**
 * The shape shared by activations without variables (gelu, relu, identity, fixed leaky ReLU).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Activation } from './api.js';

/**
 * Wrap a pure tensor function as an {@link Activation} with no variables.
 *
 * @param options.kind - the registry kind.
 * @param options.layer - the layer served.
 * @param options.apply - the elementwise function; must return a new tensor the caller owns.
 */
export function statelessActivation(options: {
  kind: string;
  layer: number;
  apply: (x: Tensor) => Tensor;
}): Activation {
  return {
    kind: options.kind,
    layer: options.layer,
    apply: options.apply,
    parameters: [],
    slope: () => undefined,
    dispose: () => undefined,
  };
}
