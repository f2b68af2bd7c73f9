/**
 * A seeded batch sampler over token windows, implementing core's `BatchSource`: `batchAt(step)` is a
 * pure function of (seed, step), so a resumed run sees exactly the batches an uninterrupted one
 * would, without replaying earlier steps.
 */
import { createRandom, shuffleInPlace, type Batch, type BatchSource } from '@normfree/core';
import type { TokenWindows } from './token-windows.js';
import { epochSeed } from './window-permutation.js';

/** Options of {@link createBatchSampler}. */
export interface BatchSamplerOptions {
  /** The training windows. */
  windows: TokenWindows;
  /** Windows per batch (B). */
  batchSize: number;
  /** Shuffle seed; each epoch's order is derived from (seed, epoch). */
  seed: number;
}

/** The sampler, with its epoch arithmetic exposed for progress reporting. */
export interface BatchSampler extends BatchSource {
  /** Full batches per epoch: ⌊N / B⌋ (the last N mod B windows of each epoch's order are skipped). */
  readonly batchesPerEpoch: number;
  /** The epoch (0-based) that `step` falls in. */
  epochOf(step: number): number;
}

/**
 * Creates the training batch source. Epoch e visits the windows in the order of a Fisher–Yates
 * shuffle (core `shuffleInPlace`) seeded by (seed, e); step s takes batch s mod batchesPerEpoch of
 * epoch ⌊s / batchesPerEpoch⌋. Each batch holds B distinct windows; each epoch uses every window at
 * most once and a fresh order.
 *
 * @param options - windows, batchSize, seed.
 * @returns a `BatchSource` whose batches are new Int32Arrays (the caller owns them).
 * @throws Error naming both numbers if there are fewer windows than one batch, or naming the value
 *   of a bad batchSize; `batchAt` throws naming a step that is not a non-negative integer.
 */
export function createBatchSampler(options: BatchSamplerOptions): BatchSampler {
  const { windows, batchSize, seed } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) {
    throw new Error(`createBatchSampler: batchSize ${String(batchSize)} must be a positive integer`);
  }
  if (windows.count < batchSize) {
    throw new Error(
      `createBatchSampler: the corpus has ${windows.count} windows of ${windows.seqLen} tokens, ` +
        `fewer than one batch of ${batchSize}`,
    );
  }
  const { seqLen } = windows;
  const batchesPerEpoch = Math.floor(windows.count / batchSize);

  // The order of the most recent epoch, so consecutive steps do not reshuffle.
  let cachedEpoch = -1;
  let cachedOrder = new Uint32Array(0);
  const orderOf = (epoch: number): Uint32Array => {
    if (epoch !== cachedEpoch) {
      const order = Array.from({ length: windows.count }, (_, index) => index);
      cachedOrder = Uint32Array.from(shuffleInPlace(order, createRandom(epochSeed(seed, epoch))));
      cachedEpoch = epoch;
    }
    return cachedOrder;
  };

  const epochOf = (step: number): number => {
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new Error(`BatchSource.batchAt: step ${String(step)} must be a non-negative integer`);
    }
    return Math.floor(step / batchesPerEpoch);
  };

  return {
    specificationVersion: 'v1',
    batchSize,
    seqLen,
    numWindows: windows.count,
    batchesPerEpoch,
    epochOf,
    batchAt(step): Batch {
      const order = orderOf(epochOf(step));
      const first = (step % batchesPerEpoch) * batchSize;
      const inputIds = new Int32Array(batchSize * seqLen); // (B, T) row-major
      for (let row = 0; row < batchSize; row++) {
        inputIds.set(windows.window(order[first + row]!), row * seqLen);
      }
      return { inputIds, batchSize, seqLen };
    },
  };
}
