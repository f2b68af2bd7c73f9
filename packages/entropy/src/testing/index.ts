/**
 * Attention tensors with analytic entropies, and a stand-in model that attends with them, for tests
 * of this package and others.
 */
import * as tf from '@tensorflow/tfjs-core';
import { resolveModelConfig, type LanguageModel } from '@normfree/core';

/**
 * Uniform causal attention: row i attends equally to keys 0..i, so its entropy is ln(i + 1) and a
 * head's mean over T rows is mean_{i=1..T} ln i (1.3256 at T = 8).
 *
 * @returns (B, nh, T, T) probabilities. Caller owns the returned tensor.
 */
export function uniformCausalAttention(shape: { batchSize: number; nHead: number; seqLen: number }): tf.Tensor4D {
  const { batchSize, nHead, seqLen } = shape;
  return tf.tidy(() => {
    const mask = tf.linalg.bandPart(tf.ones([seqLen, seqLen]), -1, 0); // (T, T) lower triangle of ones
    const rows = tf.div(mask, tf.sum(mask, -1, true)); // (T, T) rows sum to 1
    return tf.tile(tf.reshape(rows, [1, 1, seqLen, seqLen]), [batchSize, nHead, 1, 1]) as tf.Tensor4D; // (B, nh, T, T)
  });
}

/**
 * One-hot causal attention: every row puts all its mass on key 0, so every entropy is 0.
 *
 * @returns (B, nh, T, T) probabilities. Caller owns the returned tensor.
 */
export function oneHotAttention(shape: { batchSize: number; nHead: number; seqLen: number }): tf.Tensor4D {
  const { batchSize, nHead, seqLen } = shape;
  return tf.tidy(() => {
    const rows = tf.oneHot(tf.zeros([seqLen], 'int32'), seqLen, 1, 0, 'float32'); // (T, T) column 0 ones
    return tf.tile(tf.reshape(rows, [1, 1, seqLen, seqLen]), [batchSize, nHead, 1, 1]) as tf.Tensor4D; // (B, nh, T, T)
  });
}

/** One forward pass of {@link createUniformAttentionModel}. */
export interface UniformAttentionModelCall {
  readonly training: boolean;
  /** Windows (B) of the pass. */
  readonly rows: number;
  /** The forward option as given (undefined when not set). */
  readonly fp16AttentionOverflow?: boolean | undefined;
}

/**
 * A stand-in model whose every layer attends uniformly (causal, {@link uniformCausalAttention}), so
 * every head's entropy is mean ln i; it records its forward options. vocabSize 8, blockSize 8.
 *
 * @returns a model without parameters; its logits are zeros (caller owns them).
 */
export function createUniformAttentionModel(
  nLayer: number,
  nHead: number,
): LanguageModel & { calls: UniformAttentionModelCall[] } {
  const config = resolveModelConfig({ vocabSize: 8, blockSize: 8, nLayer, nHead, nEmbd: 2 * nHead });
  const calls: UniformAttentionModelCall[] = [];
  return {
    specificationVersion: 'v1',
    config,
    parameters: [],
    calls,
    forward(ids, options) {
      const [batchSize, seqLen] = ids.shape;
      calls.push({ training: options.training, rows: batchSize, fp16AttentionOverflow: options.fp16AttentionOverflow });
      return tf.tidy(() => {
        for (let layer = 0; layer < nLayer; layer++) {
          options.observer?.onAttention(layer, uniformCausalAttention({ batchSize, nHead, seqLen }));
        }
        return tf.zeros([batchSize, seqLen, config.vocabSize]) as tf.Tensor3D; // (B, T, V)
      });
    },
    loss: () => tf.scalar(0),
    slopes: () => [],
    stateDict: () => new Map(),
    loadStateDict: () => undefined,
    dispose: () => undefined,
  };
}
