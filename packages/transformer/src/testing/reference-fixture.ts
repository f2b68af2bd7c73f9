/**
 * Loader of the golden fixtures in `fixtures/reference-tiny/` (produced by the authors' PyTorch
 * code; see that folder's README). Node only (reads files); exported from `./testing` so other
 * packages' tests (entropy, trainer) can use the same values.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors, tensorValues, type ActivationSpec, type ModelConfig } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';

/** The six reference configurations. */
export const referenceConfigurationNames = [
  'ln_gelu',
  'ln_relu',
  'free_gelu',
  'free_relu',
  'free_leaky_relu',
  'free_learnable_lrelu',
] as const;
export type ReferenceConfigurationName = (typeof referenceConfigurationNames)[number];
/** `init`: freshly initialised parameters; `trained`: after 200 AdamW steps (attention far from uniform). */
export type ReferenceStage = 'init' | 'trained';

type Nested = number | Nested[];

/** The fields of `<name>.json` / `<name>.trained.json` (see the fixture README). */
export interface ReferenceOutputs {
  readonly name: string;
  readonly stage: ReferenceStage;
  readonly config: {
    readonly norm_type: 'ln' | 'free';
    readonly activation_function: 'gelu' | 'relu' | 'leaky_relu' | 'learnable_lrelu';
    readonly lrelu_neg_slope: number;
    readonly learnable_lrelu_mode: string;
    readonly vocab_size: number;
    readonly n_ctx: number;
    readonly n_embd: number;
    readonly n_layer: number;
    readonly n_head: number;
    readonly n_inner: number;
    readonly n_positions: number;
    readonly layer_norm_epsilon: number;
  };
  readonly state_dict_names: string[];
  readonly param_shapes: Record<string, number[]>;
  readonly trainable_params: string[];
  readonly frozen_params: string[];
  readonly decay_params: string[];
  readonly no_decay_params: string[];
  readonly input_ids: number[][];
  readonly logits: Nested;
  readonly loss: number;
  readonly attention_probs: Nested[];
  readonly entropy_per_head: number[][];
  readonly entropy_per_layer: number[];
  readonly gradients: Record<string, Nested>;
  readonly grad_norm: number;
  readonly optimizer_steps?: unknown[];
}

/** A loaded fixture: the config it maps to, its parameters and its outputs. */
export interface ReferenceFixture {
  readonly config: ModelConfig;
  /** Parameters by state-dict name (including `lm_head.weight`). Caller owns the tensors: dispose them. */
  readonly stateDict: Map<string, tf.Tensor>;
  readonly outputs: ReferenceOutputs;
}

/**
 * The parity tolerance of every backend: |actual − expected| ≤ relative · max|expected| + absolute,
 * elementwise, with max|expected| taken over the whole tensor (so near-zero entries of a large tensor
 * are judged at the tensor's scale, as float32 rounding is). The fixture README expects ≈1e-5
 * relative agreement.
 */
export const referenceTolerance = { relative: 1e-5, absolute: 1e-6 } as const;

/** The folder `fixtures/reference-tiny/` of this repository. */
export const referenceFixtureDirectory = fileURLToPath(
  new URL('../../../../fixtures/reference-tiny/', import.meta.url),
);

/** Flatten a nested JSON array into a Float32Array. */
export function flatValues(values: Nested | Nested[]): Float32Array {
  return Float32Array.from((values as unknown[]).flat(Infinity as 1) as number[]);
}

function activationOf(config: ReferenceOutputs['config']): ActivationSpec {
  switch (config.activation_function) {
    case 'gelu':
      return { kind: 'gelu' };
    case 'relu':
      return { kind: 'relu' };
    case 'leaky_relu':
      return { kind: 'leaky-relu', slope: config.lrelu_neg_slope };
    case 'learnable_lrelu':
      return { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: config.lrelu_neg_slope };
  }
}

/**
 * Read one configuration at one stage.
 * @returns the fixture; the caller must dispose `stateDict`'s tensors.
 */
export function loadReferenceFixture(name: ReferenceConfigurationName, stage: ReferenceStage): ReferenceFixture {
  const base = stage === 'init' ? name : `${name}.trained`;
  const outputs = JSON.parse(readFileSync(`${referenceFixtureDirectory}${base}.json`, 'utf8')) as ReferenceOutputs;
  const file = decodeSafetensors(
    readFileSync(`${referenceFixtureDirectory}${base}.safetensors`),
    `${base}.safetensors`,
  );
  const stateDict = new Map<string, tf.Tensor>();
  for (const [tensorName, tensor] of file.tensors)
    stateDict.set(tensorName, tf.tensor(tensorValues(tensor), [...tensor.shape], 'float32'));
  const c = outputs.config;
  const config: ModelConfig = {
    version: 1,
    family: 'gpt2',
    vocabSize: c.vocab_size,
    blockSize: c.n_ctx,
    nPositions: c.n_positions,
    nLayer: c.n_layer,
    nHead: c.n_head,
    nEmbd: c.n_embd,
    nInner: c.n_inner,
    norm: c.norm_type === 'ln' ? 'layernorm' : 'none',
    activation: activationOf(c),
    embdDropout: 0.1,
    initStd: 0.02,
    layerNormEpsilon: c.layer_norm_epsilon,
    tiedEmbeddings: true,
  };
  return { config, stateDict, outputs };
}
