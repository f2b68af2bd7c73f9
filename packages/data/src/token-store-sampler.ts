/**
 * The seeded batch order, training sampler and evaluation set over a token store's windows
 * (browser-safe). Every path that trains reads batches through these: the embedded corpus's store
 * and a `--data` store, in this process, a worker process, a cluster task and the browser, so the
 * same seed gives the same batches everywhere.
 *
 * Memory does not grow with the store: the epoch order is a {@link createWindowPermutation}
 * (O(1) memory) and each batch reads only its own B windows.
 */
import { checkInteger } from '@normfree/core';
import type { Batch, BatchSource, EvalSet } from '@normfree/core';
import type { WindowReader } from './token-store-windows.js';
import { createWindowPermutation, epochSeed, type WindowPermutation } from './window-permutation.js';

/** A training batch source with its epoch arithmetic exposed for progress reporting. */
export interface BatchSampler extends BatchSource {
  /** Full batches per epoch: ⌊N / B⌋ (the last N mod B windows of each epoch's order are skipped). */
  readonly batchesPerEpoch: number;
  /** The epoch (0-based) that `step` falls in. */
  epochOf(step: number): number;
}

/** Options of {@link createStoreBatchSampler}. */
export interface StoreBatchSamplerOptions {
  /** The training windows (a store's `split('train')`). */
  windows: WindowReader;
  /** Windows per batch (B). */
  batchSize: number;
  /** Shuffle seed; each epoch's order is derived from (seed, epoch). */
  seed: number;
}

/** The order arithmetic both store samplers share, so Node and browser see the same batches. */
export interface StoreBatchOrder {
  readonly batchesPerEpoch: number;
  /** The epoch (0-based) that `step` falls in; a plain function (no `this`), safe to pass on. */
  readonly epochOf: (step: number) => number;
  /** The window indices of `step`'s batch, in row order (a new array). */
  indicesAt(step: number): Uint32Array;
}

/**
 * The batch order of a store sampler: epoch e visits the windows in the order of
 * {@link createWindowPermutation} seeded by `epochSeed(seed, e)`; step s takes positions
 * [(s mod ⌊N/B⌋)·B, … + B) of epoch ⌊s / ⌊N/B⌋⌋'s order.
 *
 * @param count - N, the windows.
 * @param batchSize - B.
 * @param seed - the shuffle seed.
 * @param seqLen - T, named in the too-few-windows error.
 * @param caller - named in errors (with `source`).
 * @param source - what the windows are, e.g. `/data/store (train)`.
 * @throws Error naming a bad batchSize, or both numbers and `source` if N < B.
 */
export function createStoreBatchOrder(
  count: number,
  seqLen: number,
  batchSize: number,
  seed: number,
  caller: string,
  source: string,
): StoreBatchOrder {
  checkInteger(`${caller}: batchSize`, batchSize, { min: 1 });
  if (!Number.isSafeInteger(seed)) throw new Error(`${caller}: seed ${String(seed)} must be an integer`);
  if (count < batchSize) {
    throw new Error(
      `${caller}: ${source} has ${count} windows of ${seqLen} tokens, fewer than one batch of ${batchSize}`,
    );
  }
  const batchesPerEpoch = Math.floor(count / batchSize);
  let permutation: WindowPermutation | undefined;
  let permutationEpoch = -1;
  const epochOf = (step: number): number => {
    checkInteger('BatchSource.batchAt: step', step, { min: 0 });
    return Math.floor(step / batchesPerEpoch);
  };
  return {
    batchesPerEpoch,
    epochOf,
    indicesAt(step) {
      const epoch = epochOf(step);
      if (epoch !== permutationEpoch) {
        permutation = createWindowPermutation(count, epochSeed(seed, epoch));
        permutationEpoch = epoch;
      }
      const first = (step % batchesPerEpoch) * batchSize;
      const indices = new Uint32Array(batchSize);
      for (let row = 0; row < batchSize; row++) indices[row] = permutation!.at(first + row);
      return indices;
    },
  };
}

/**
 * Creates the training batch source over a store's windows. Epoch e visits the windows in a seeded
 * permutation of (seed, e) computed in O(1) memory ({@link createWindowPermutation}); step s takes
 * batch s mod ⌊N/B⌋ of epoch ⌊s / ⌊N/B⌋⌋; the N mod B windows left at an epoch's end are skipped
 * that epoch (a different set each epoch). `batchAt(step)` is a pure function of (seed, step): a
 * resumed run sees exactly the batches an uninterrupted one would.
 *
 * Every store is read this way, the embedded corpus's included, so a seed means one batch order.
 *
 * @param options - windows, batchSize, seed.
 * @returns a `BatchSource` whose batches are new Int32Arrays (the caller owns them).
 * @throws Error naming both numbers and the store's split if there are fewer windows than one
 *   batch, or naming a bad batchSize; `batchAt` throws naming a bad step.
 */
export function createStoreBatchSampler(options: StoreBatchSamplerOptions): BatchSampler {
  const { windows, batchSize, seed } = options;
  const { seqLen } = windows;
  const order = createStoreBatchOrder(
    windows.count,
    seqLen,
    batchSize,
    seed,
    'createStoreBatchSampler',
    windows.source ?? 'the store',
  );
  return {
    specificationVersion: 'v1',
    batchSize,
    seqLen,
    numWindows: windows.count,
    batchesPerEpoch: order.batchesPerEpoch,
    epochOf: order.epochOf,
    batchAt(step): Batch {
      const inputIds = new Int32Array(batchSize * seqLen); // (B, T) row-major
      windows.readWindows(order.indicesAt(step), inputIds);
      return { inputIds, batchSize, seqLen };
    },
  } satisfies BatchSampler;
}

/**
 * An evaluation set over a store's windows in store order (the order prepare wrote them), every
 * window once; each batch is read when the iteration reaches it.
 *
 * @param windows - the validation windows (a store's `split('validation')`).
 * @returns an `EvalSet`; `batches(B)` yields ⌈N / B⌉ batches of new Int32Arrays, the last one
 *   smaller when B does not divide N, and throws naming a bad B.
 */
export function createStoreEvalSet(windows: WindowReader): EvalSet {
  const { seqLen, count } = windows;
  return {
    specificationVersion: 'v1',
    seqLen,
    numWindows: count,
    *batches(batchSize): Generator<Batch> {
      checkInteger('EvalSet.batches: batchSize', batchSize, { min: 1 });
      for (let start = 0; start < count; start += batchSize) {
        const rows = Math.min(batchSize, count - start);
        const indices = Uint32Array.from({ length: rows }, (_, row) => start + row);
        const inputIds = new Int32Array(rows * seqLen); // (rows, T)
        windows.readWindows(indices, inputIds);
        yield { inputIds, batchSize: rows, seqLen };
      }
    },
  };
}
