/**
 * The batch contract: fixed-length token windows grouped into B × T batches. Batches are plain
 * Int32Arrays (row-major, batch b's tokens at [b·T, (b+1)·T)), so a source never touches TF.js.
 */
export interface Batch {
  /** B·T token ids, row-major. */
  readonly inputIds: Int32Array;
  readonly batchSize: number;
  readonly seqLen: number;
}

export interface BatchSource {
  readonly specificationVersion: 'v1';
  readonly batchSize: number;
  readonly seqLen: number;
  /** Number of windows the source draws from. */
  readonly numWindows: number;
  /**
   * The batch used at optimizer micro-step `step` (0-based). Deterministic for a given seed, so a
   * resumed run sees exactly the batches an uninterrupted one would.
   */
  batchAt(step: number): Batch;
}

/** A fixed, ordered set of windows for evaluation (no shuffling, every window used once). */
export interface EvalSet {
  readonly specificationVersion: 'v1';
  readonly seqLen: number;
  readonly numWindows: number;
  /** Consecutive batches of at most `batchSize` windows covering the set once, in order. */
  batches(batchSize: number): Iterable<Batch>;
}
