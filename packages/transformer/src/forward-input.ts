/**
 * Validation of a forward pass's input at the model boundary (style.md §3.7).
 */
import type { Tensor2D } from '@tensorflow/tfjs-core';

/**
 * Check token ids before any kernel runs.
 * @returns the batch size B and sequence length T.
 * @throws Error naming the offending value: rank, dtype, empty batch, or T beyond blockSize
 *   ("sequence length 160 exceeds blockSize 128").
 */
export function checkInputIds(inputIds: Tensor2D, blockSize: number): { batchSize: number; seqLen: number } {
  if (inputIds.rank !== 2) throw new Error(`inputIds must be (B, T), got shape [${inputIds.shape.join(', ')}]`);
  if (inputIds.dtype !== 'int32') throw new Error(`inputIds must be int32, got ${inputIds.dtype}`);
  const [batchSize, seqLen] = inputIds.shape;
  if (batchSize === 0 || seqLen === 0)
    throw new Error(`inputIds must be non-empty, got shape [${inputIds.shape.join(', ')}]`);
  if (seqLen > blockSize) throw new Error(`sequence length ${seqLen} exceeds blockSize ${blockSize}`);
  return { batchSize, seqLen };
}
