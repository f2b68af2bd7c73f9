export type {
  Activation,
  ActivationContext,
  ActivationFactory,
  CreateActivationsOptions,
  LayerActivations,
} from './api.js';
export { geluErf, geluTanh } from './ops/gelu.js';
export { leakyReluWhere } from './ops/leaky-relu.js';
export { createGelu } from './gelu.js';
export { createGeluTanh } from './gelu-tanh.js';
export { createRelu } from './relu.js';
export { createIdentity } from './identity.js';
export { createLeakyRelu, type LeakyReluOptions } from './leaky-relu.js';
export { createLearnableLeakyRelu, slopeLayout, type SlopeLayout } from './learnable-leaky-relu.js';
export { statelessActivation } from './stateless-activation.js';
export {
  registerActivation,
  unregisterActivation,
  listActivations,
  getActivationFactory,
  parseActivationText,
  type ActivationTextParser,
  type RegisterActivationOptions,
} from './registry.js';
export { createActivations, gpt2ActivationPrefix } from './create-activations.js';
