/**
 * The LayerNorm parameters both models create: a gain `weight` initialised to 1 and a `bias`
 * initialised to 0, trainable and outside weight decay (the authors' no-decay group for norms,
 * paper-reference §5.2), named `<name>.weight` / `<name>.bias` like the PyTorch state dict
 * (GPT-2 `transformer.h.0.ln_1`, GPT-NeoX `gpt_neox.layers.0.input_layernorm`).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ParameterStore } from './parameter-store.js';

/** One LayerNorm's trainable tensors. */
export interface LayerNormParameters {
  readonly weight: tf.Variable<tf.Rank.R1>; // (d,) gain, init 1
  readonly bias: tf.Variable<tf.Rank.R1>; // (d,) shift, init 0
}

/**
 * Create `<name>.weight` (ones) and `<name>.bias` (zeros) of width `width` in `store`.
 *
 * @param store - the model's parameter store (it owns and disposes the variables).
 * @param name - the state-dict prefix, e.g. `transformer.ln_f`.
 * @param width - d, the model width.
 * @returns the two variables; the store owns them.
 */
export function createLayerNormParameters(store: ParameterStore, name: string, width: number): LayerNormParameters {
  return {
    weight: store.constant<tf.Rank.R1>(`${name}.weight`, [width], { value: 1, decay: false }),
    bias: store.constant<tf.Rank.R1>(`${name}.bias`, [width], { value: 0, decay: false }),
  };
}
