export { createModel } from './create-model.js';
export { createGpt2Model, type CreateModelOptions } from './gpt2-model.js';
export { matmul, linear } from './ops/matmul.js';
export { embedding } from './ops/embedding.js';
export { causalAttention, FLOAT32_MIN, FLOAT16_MAX, type CausalAttentionOptions } from './ops/causal-attention.js';
export { crossEntropy } from './ops/cross-entropy.js';
export { layerNorm } from './ops/layer-norm.js';
export { checkInputIds } from './forward-input.js';
