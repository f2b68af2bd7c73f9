/**
 * The language-model contract that crosses package lines: `@normfree/transformer` implements it,
 * `@normfree/trainer` and `@normfree/entropy` consume it. Only `@tensorflow/tfjs-core` *types* are used.
 */
import type { Scalar, Tensor, Tensor2D, Tensor3D, Tensor4D, Variable } from '@tensorflow/tfjs-core';
import type { ModelConfig } from './model-config.js';

/**
 * Sees each layer's attention probabilities during a forward pass. Called *inside* the forward's
 * `tf.tidy`: reduce the (B, nh, T, T) tensor at once and `tf.keep` only the small result; never hold
 * the probabilities themselves (they are disposed when the tidy ends).
 */
export interface AttentionObserver {
  /** @param probs (B, nh, T, T) softmax probabilities of `layer`; rows sum to 1, zeros above the diagonal. */
  onAttention(layer: number, probs: Tensor4D): void;
  /**
   * Optional: sees each layer's pre-softmax, pre-mask attention logits (B, nh, T, T), already scaled
   * by 1/√hs, e.g. to count values beyond the fp16 range. Same ownership rules.
   */
  onAttentionLogits?(layer: number, logits: Tensor4D): void;
}

export interface ForwardOptions {
  /** Required: enables embedding dropout. Never defaulted (style.md §3.6). */
  readonly training: boolean;
  readonly observer?: AttentionObserver;
  /**
   * Emulate fp16 overflow of the attention logits (values beyond ±65504 become ±Infinity before the
   * softmax, as under CUDA fp16 autocast), so the NaNs of paper-reference §7 can appear in fp32.
   */
  readonly fp16AttentionOverflow?: boolean;
  /**
   * Seed for dropout masks (deterministic training). When omitted, the models of
   * @normfree/transformer take the next seed of a stream seeded by their init seed.
   */
  readonly dropoutSeed?: number;
}

/** A named trainable parameter of a model, named like the authors' PyTorch state dict. */
export interface NamedParameter {
  /** e.g. `transformer.h.0.attn.qk_attn.weight` (ARCHITECTURE rule 4). */
  readonly name: string;
  readonly variable: Variable;
  /** Weight decay applies (the authors' groups, paper-reference §5.2): matrices, embeddings, slopes. */
  readonly decay: boolean;
}

export interface LanguageModel {
  readonly specificationVersion: 'v1';
  readonly config: ModelConfig;
  /** Trainable parameters in state-dict order. */
  readonly parameters: readonly NamedParameter[];
  /**
   * Logits for token ids (B, T) with T ≤ blockSize; throws naming T and blockSize otherwise.
   * @returns (B, T, V) logits; caller owns the returned tensor.
   */
  forward(inputIds: Tensor2D, options: ForwardOptions): Tensor3D;
  /**
   * Mean next-token cross-entropy: logits at positions 0..T-2 against ids at 1..T-1 (the HF shift,
   * paper-reference §3.6). Caller owns the returned scalar.
   */
  loss(inputIds: Tensor2D, options: ForwardOptions): Scalar;
  /** Current learnable negative slopes by layer, or an empty array when the model has none. */
  slopes(): number[];
  /**
   * All tensors to checkpoint, by state-dict name (trainable parameters plus the frozen zero biases
   * and buffers the reference state dict holds). Caller must not dispose them.
   */
  stateDict(): ReadonlyMap<string, Tensor>;
  /** Assign values by state-dict name; throws naming the tensor on a missing name or a shape mismatch. */
  loadStateDict(values: ReadonlyMap<string, Tensor>, options?: { strict?: boolean }): void;
  dispose(): void;
}
