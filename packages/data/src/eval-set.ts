/**
 * The validation windows as core's `EvalSet`: fixed order (file order, then position), every window
 * once, no shuffling.
 */
import type { Batch, EvalSet } from '@normfree/core';
import type { TokenWindows } from './token-windows.js';

/**
 * Creates an evaluation set over windows.
 *
 * @param options.windows - the validation windows.
 * @returns an `EvalSet`; `batches(B)` yields ⌈N / B⌉ batches of new Int32Arrays (the caller owns
 *   them), the last one smaller when B does not divide N, and throws naming a bad B.
 */
export function createEvalSet(options: { windows: TokenWindows }): EvalSet {
  const { windows } = options;
  const { seqLen } = windows;
  return {
    specificationVersion: 'v1',
    seqLen,
    numWindows: windows.count,
    *batches(batchSize): Generator<Batch> {
      if (!Number.isInteger(batchSize) || batchSize <= 0) {
        throw new Error(`EvalSet.batches: batchSize ${String(batchSize)} must be a positive integer`);
      }
      for (let start = 0; start < windows.count; start += batchSize) {
        const rows = Math.min(batchSize, windows.count - start);
        const inputIds = new Int32Array(rows * seqLen); // (rows, T)
        inputIds.set(windows.tokens.subarray(start * seqLen, (start + rows) * seqLen));
        yield { inputIds, batchSize: rows, seqLen };
      }
    },
  };
}
