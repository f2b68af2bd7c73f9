/**
 * Fused kernels: TF.js kernels that a backend MAY register under these names to do in one pass what
 * the models otherwise compose from several kernels (the softmax cross-entropy of the LM head, exact
 * GELU, LayerNorm, the causal softmax of attention and its backward). `@normfree/backend-native`
 * registers them on wasm; `@normfree/transformer` and `@normfree/activations` call them where the
 * current backend has them and compose the same math from standard kernels elsewhere. Like
 * {@link fastBatchedProducts}, the contract between the two sides is written once, here.
 *
 * Inputs, attributes and outputs (float32 unless noted; N rows, C columns):
 * - `softmaxCrossEntropy`: {logits (N, V), labels (N,) int32} → [loss (N,), probs (N, V)],
 *   loss = logsumexp(logits) − logits[label].
 * - `softmaxCrossEntropyGrad`: {probs (N, V), labels (N,) int32, dloss (N,)} → dlogits (N, V) =
 *   dloss·(probs − onehot(label)).
 * - `geluErf`: {x} → x·Φ(x); `geluErfGrad`: {x, dy} → dy·(Φ(x) + x·φ(x)).
 * - `layerNorm`: {x (N, C), gain (C,), bias (C,)}, attrs {epsilon} → [y (N, C), normed (N, C),
 *   invStd (N, 1)]; `layerNormGrad`: {dy, normed, invStd, gain} → [dx (N, C), dgain (C,), dbias (C,)].
 * - `causalSoftmax`: {scores (n, T, T)}, attrs {scale} → softmax over keys of scores/scale with keys
 *   after the query masked (probability exactly 0).
 * - `softmaxGrad`: {probs (…, C), dprobs (…, C)}, attrs {scale} → probs·(dprobs − Σ dprobs·probs)/scale.
 * - `adamW`: {param, first, second, gradient} (one shape), attrs {torchRule, decay (booleans), beta1,
 *   beta2, epsilon, stepSize, decayRate, sqrtBias2, lrOverBias1, keep} → [param, first, second] after
 *   one step, as `@normfree/trainer`'s adamw.ts composes it (the attributes are its scalars).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';

/** TF.js kernel names of the fused kernels. */
export const fusedKernelNames = {
  softmaxCrossEntropy: 'NormfreeSoftmaxCrossEntropy',
  softmaxCrossEntropyGrad: 'NormfreeSoftmaxCrossEntropyGrad',
  geluErf: 'NormfreeGeluErf',
  geluErfGrad: 'NormfreeGeluErfGrad',
  layerNorm: 'NormfreeLayerNorm',
  layerNormGrad: 'NormfreeLayerNormGrad',
  causalSoftmax: 'NormfreeCausalSoftmax',
  softmaxGrad: 'NormfreeSoftmaxGrad',
  adamW: 'NormfreeAdamW',
} as const;

/** One of {@link fusedKernelNames}' keys. */
export type FusedKernel = keyof typeof fusedKernelNames;

/** True when the current backend registered the fused kernel (and, for a pair, its gradient). */
export function hasFusedKernel(kernel: FusedKernel): boolean {
  return tf.getKernel(fusedKernelNames[kernel], tf.getBackend()) !== undefined;
}

/**
 * Run a fused kernel on the current backend (check {@link hasFusedKernel} first). No gradient is
 * recorded: callers use it inside custom ops with their own backward.
 *
 * @returns the kernel's output, or its outputs in the order listed above; caller owns them.
 */
export function runFusedKernel(
  kernel: FusedKernel,
  inputs: tf.NamedTensorMap,
  attrs: NamedAttrMap = {},
): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel<tf.Tensor | tf.Tensor[]>(fusedKernelNames[kernel], inputs, attrs);
}
