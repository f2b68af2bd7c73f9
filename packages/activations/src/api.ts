/**
 * Types of the activation zoo: what an activation is, what a factory receives, and what
 * {@link createActivations} returns.
 *
 * References: paper-reference §4 (the authors' activations and slope storage).
 */
import type { ActivationSpec, NamedParameter, Random } from '@normfree/core';
import type { Tensor } from '@tensorflow/tfjs-core';

/** One layer's FFN activation. A plain object made by a factory; it owns its variables. */
export interface Activation {
  /** The registry kind that made it, e.g. `gelu` or `learnable-leaky-relu`. */
  readonly kind: string;
  /** The layer this instance serves (0-based). */
  readonly layer: number;
  /**
   * Apply the activation elementwise.
   * @param x - any shape, float32 (the model passes the (B·T, nInner) FFN pre-activation).
   * @returns a tensor of the same shape; caller owns it. Differentiable with respect to `x` and to
   * the activation's variables.
   */
  apply(x: Tensor): Tensor;
  /**
   * Trainable variables owned by this layer only, named like the authors' state dict
   * (e.g. `transformer.h.0.mlp.act.slopes`). Variables shared between layers are listed once in
   * {@link LayerActivations.sharedParameters} instead. Empty for parameter-free activations.
   */
  readonly parameters: readonly NamedParameter[];
  /** The current negative slope this layer uses (a data read), or undefined when it has no learnable slope. */
  slope(): number | undefined;
  /** Dispose the variables this layer owns (not shared ones). */
  dispose(): void;
}

/** What a factory gets besides the spec. */
export interface ActivationContext {
  /** The layer being built (0-based). */
  readonly layer: number;
  /** Number of layers in the model. */
  readonly nLayer: number;
  /** A seeded random source, for activations that need random initial values. */
  readonly random: Random;
  /** The state-dict name of a variable that this layer owns, e.g. `slopes` → `transformer.h.3.mlp.act.slopes`. */
  layerParameterName(localName: string): string;
  /**
   * One variable shared by all layers: the first call with a `key` runs `create`, later calls (from
   * any layer) return the same parameter. The activation set owns and disposes it.
   * @param create - receives the shared state-dict name (e.g. `transformer.act.global_slope`).
   */
  shared(key: string, create: (name: string) => NamedParameter): NamedParameter;
}

/**
 * Build one layer's activation from a spec. Throw an Error naming the field and the value when the
 * spec is invalid.
 */
export type ActivationFactory = (spec: ActivationSpec, context: ActivationContext) => Activation;

/** One activation per layer, plus the variables shared between them. */
export interface LayerActivations {
  /** `layers[l]` is layer l's activation; length nLayer. */
  readonly layers: readonly Activation[];
  /** Variables shared by several layers (e.g. the paper's truly global slope), each listed once. */
  readonly sharedParameters: readonly NamedParameter[];
  /** Every trainable variable, each once: layer 0's, layer 1's, …, then the shared ones. */
  readonly parameters: readonly NamedParameter[];
  /**
   * Current negative slope of every layer (NaN for a layer without a learnable slope), or an empty
   * array when no layer has one. A global shared slope appears once per layer, all equal.
   */
  slopes(): number[];
  /** Dispose every variable (layers' own and shared). */
  dispose(): void;
}

/** Options of {@link createActivations}. */
export interface CreateActivationsOptions {
  /** Number of layers; a list schedule must have exactly this many entries. */
  readonly nLayer: number;
  /** Seed of the random source handed to factories (default 0). */
  readonly seed?: number;
  /**
   * State-dict prefix of layer l's activation variables (default `transformer.h.{l}.mlp.act.`, the
   * authors' GPT-2 names; the Pythia model passes `gpt_neox.layers.{l}.mlp.act.`).
   */
  readonly layerPrefix?: (layer: number) => string;
  /** State-dict prefix of shared variables (default `transformer.act.`). */
  readonly sharedPrefix?: string;
}
