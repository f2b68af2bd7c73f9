/** Model FLOPs of a training step, the way toolchain.md §11 counts them. */
import type { ModelConfig } from '@normfree/core';

/**
 * 3 × the forward pass's matmul FLOPs (backward ≈ 2 × forward): per token 2 × (per layer d·3d for
 * Q, K, V + d·d projection + 2·d·nInner FFN, plus d·V for the LM head), plus attention's QKᵀ and
 * A·V at full T×T (2 · 2 · T · d per layer and token). Elementwise work is not counted.
 * For the `bench` model at batch 16: ≈ 12.1 GFLOP per step (toolchain.md §11: "≈ 12.0 GFLOP/step").
 */
export function trainingFlopsPerStep(
  config: Pick<ModelConfig, 'nLayer' | 'nEmbd' | 'nInner' | 'vocabSize' | 'blockSize'>,
  batchSize: number,
): number {
  const { nLayer, nEmbd: d, nInner, vocabSize, blockSize: T } = config;
  const perTokenMatmul = 2 * (nLayer * (3 * d * d + d * d + 2 * d * nInner) + d * vocabSize);
  const perTokenAttention = nLayer * 2 * 2 * T * d;
  return 3 * (perTokenMatmul + perTokenAttention) * batchSize * T;
}
