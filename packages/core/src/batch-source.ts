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
  /**
   * Optional: resolves once `batchAt(step)` can be answered synchronously. Sources whose windows are
   * not in memory (a token store read over HTTP range requests in a browser) fetch them here; the
   * trainer awaits it before every `batchAt`. Sources that read synchronously (memory, positioned
   * file reads) leave it out. Must not change what `batchAt(step)` returns.
   */
  load?(step: number): Promise<void>;
}

/** A fixed, ordered set of windows for evaluation (no shuffling, every window used once). */
export interface EvalSet {
  readonly specificationVersion: 'v1';
  readonly seqLen: number;
  readonly numWindows: number;
  /** Consecutive batches of at most `batchSize` windows covering the set once, in order. */
  batches(batchSize: number): Iterable<Batch>;
}
