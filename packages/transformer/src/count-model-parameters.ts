/**
 * How big a model is, counted two ways: the values of its state dict (what a PyTorch
 * `sum(p.numel() for p in model.parameters())` prints for the reference model, frozen zero biases
 * included, the tied LM head counted once) and the values the optimizer trains (the frozen zero
 * biases left out, paper-reference §2 item 3, §3.7).
 */
import type { LanguageModel } from '@normfree/core';
import type * as tf from '@tensorflow/tfjs-core';

/** The two sizes of a model, in float32 values. */
export interface ParameterCounts {
  /**
   * Values in `stateDict()`, each tensor once (the tied `lm_head.weight` aliases `wte` and is not
   * counted again). For the authors' GPT-2 this equals HF `model.parameters()`'s sum, whose frozen
   * zero biases are `nn.Parameter`s with `requires_grad=False`.
   */
  readonly stateDictValues: number;
  /** Values of `model.parameters` (what AdamW updates and keeps two moments for). */
  readonly trainable: number;
  /** `stateDictValues − trainable`: the biases frozen at zero (GPT-2: V, attention output, MLP). */
  readonly frozen: number;
}

/**
 * Count a model's state-dict and trainable values. Reads shapes only; creates no tensor.
 *
 * @param model - any {@link LanguageModel}.
 * @returns plain numbers.
 * @example
 * ```ts
 * countModelParameters(createModel(paperGpt2Config, { seed: 0 })); // { stateDictValues: 124_439_808, trainable: 124_375_296, frozen: 64_512 }
 * ```
 */
export function countModelParameters(model: LanguageModel): ParameterCounts {
  const unique = new Set<tf.Tensor>(model.stateDict().values()); // an alias maps to the same tensor object
  const stateDictValues = [...unique].reduce((total, tensor) => total + tensor.size, 0);
  const trainable = model.parameters.reduce((total, parameter) => total + parameter.variable.size, 0);
  return { stateDictValues, trainable, frozen: stateDictValues - trainable };
}
