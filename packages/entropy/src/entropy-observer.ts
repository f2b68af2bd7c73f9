/**
 * An {@link AttentionObserver} that turns each layer's (B, nh, T, T) attention probabilities into
 * per-head entropy sums and NaN counts at once, inside the model's tidy, and keeps only those small
 * (nh,) running sums across forward passes (style.md §3.9). `result()` reads them as plain numbers.
 *
 * References:
 * 1. paper-reference §6.1 (entropy: nansum form, mean over batch and all query positions).
 * 2. paper-reference §7 (NaN counts: NaN elements per head over the batch, mean over heads;
 *    fp16-overflow proxy |x| > 65504).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, type AttentionObserver, type EntropyLog } from '@normfree/core';
import { headEntropySums, headFp16OverflowCounts, headNanCounts } from './attention-entropy.js';

/** What an entropy observer measured: the {@link EntropyLog} fields without `type` and `step`. */
export type EntropyMeasurement = Omit<EntropyLog, 'type' | 'step'> & {
  readonly perHead: number[][];
  readonly perLayer: number[];
  readonly nanCounts: number[];
  readonly fp16Overflows?: number[];
};

export interface EntropyObserverOptions {
  /** Layers the model reports (0 … nLayer-1). */
  readonly nLayer: number;
  /** Heads per layer; every observed tensor must have this many. */
  readonly nHead: number;
}

export interface EntropyObserver extends AttentionObserver {
  /** Forward passes (batches) seen by layer 0 since the last `result()` / `reset()`. */
  readonly batches: number;
  /**
   * Per-head entropy, per-layer means, NaN counts and (when logits were observed) fp16 overflows,
   * accumulated over every batch since the last reset; then resets (disposes the kept sums).
   * Async because it reads tensors (`data()`), which works on every backend.
   */
  result(): Promise<EntropyMeasurement>;
  /** Same as {@link EntropyObserver.result} with `dataSync()`: a sync point, cpu/wasm/webgl only. */
  resultSync(): EntropyMeasurement;
  /** Dispose the kept sums without reading them. */
  reset(): void;
  dispose(): void;
  [Symbol.dispose](): void;
}

interface LayerSums {
  /** (2, nh): row 0 entropy sums, row 1 NaN counts. Kept across tidies. */
  sums: tf.Tensor2D | undefined;
  /** (nh,) fp16-overflow counts, when logits were observed. Kept across tidies. */
  overflows: tf.Tensor1D | undefined;
  /** Attention rows (B·T) summed into `sums`. */
  rows: number;
  windows: number;
}

/**
 * Create an observer for a model with `nLayer` layers of `nHead` heads. Pass it as
 * `forward(ids, { training: false, observer })` over one or more batches, then `await result()`.
 *
 * @param options.nLayer - number of layers; observing a layer outside [0, nLayer) throws.
 * @param options.nHead - heads per layer; a tensor with another head count throws.
 * @returns an observer that holds at most 2 small tensors per layer between calls.
 * @example
 * ```ts
 * const observer = createEntropyObserver({ nLayer: 2, nHead: 2 });
 * tf.dispose(model.forward(ids, { training: false, observer }));
 * const { perHead, perLayer, nanCounts } = await observer.result();
 * ```
 */
export function createEntropyObserver(options: EntropyObserverOptions): EntropyObserver {
  const { nLayer, nHead } = options;
  for (const [field, value] of [
    ['nLayer', nLayer],
    ['nHead', nHead],
  ] as const) {
    checkInteger(`createEntropyObserver: ${field}`, value, { min: 1 });
  }
  const fresh = (): LayerSums[] =>
    Array.from({ length: nLayer }, () => ({ sums: undefined, overflows: undefined, rows: 0, windows: 0 }));
  let layers = fresh();
  let batchesSeen = 0;

  const check = (layer: number, tensor: tf.Tensor4D, what: string): LayerSums => {
    const sums = layers[layer];
    if (!Number.isInteger(layer) || sums === undefined)
      throw new RangeError(`entropy observer: ${what} for layer ${layer}, but the observer has nLayer ${nLayer}`);
    if (tensor.rank !== 4 || tensor.shape[1] !== nHead || tensor.shape[2] !== tensor.shape[3]) {
      throw new RangeError(
        `entropy observer: ${what} of layer ${layer} has shape [${tensor.shape.join(', ')}], expected (B, ${nHead}, T, T)`,
      );
    }
    return sums;
  };

  // Replace a kept running sum by (old + increment); the increment is computed inside tf.tidy, so
  // only the (nh,)-sized result survives the model's tidy.
  const accumulate = <R extends tf.Tensor>(previous: R | undefined, increment: () => R): R => {
    const next = tf.keep(tf.tidy(() => (previous === undefined ? increment() : (tf.add(previous, increment()) as R))));
    previous?.dispose();
    return next;
  };

  const release = (): void => {
    for (const layer of layers) {
      layer.sums?.dispose();
      layer.overflows?.dispose();
    }
    layers = fresh();
  };

  // reads the sums and ALWAYS releases them (also when a layer was never observed and it throws)
  const build = (read: (tensor: tf.Tensor) => Float32Array | Int32Array | Uint8Array): EntropyMeasurement => {
    try {
      return measure(read);
    } finally {
      release();
    }
  };

  const measure = (read: (tensor: tf.Tensor) => Float32Array | Int32Array | Uint8Array): EntropyMeasurement => {
    const perHead: number[][] = [];
    const nanCounts: number[] = [];
    const overflows: number[] = [];
    let sawLogits = false;
    layers.forEach((layer, index) => {
      if (layer.sums === undefined)
        throw new Error(
          `entropy observer: layer ${index} was never observed (nLayer ${nLayer}); run a forward pass with the observer first`,
        );
      const values = read(layer.sums); // (2, nh) flattened
      perHead.push(Array.from({ length: nHead }, (_, head) => values[head]! / layer.rows));
      nanCounts.push(
        Array.from({ length: nHead }, (_, head) => values[nHead + head]!).reduce((a, b) => a + b, 0) / nHead,
      );
      if (layer.overflows !== undefined) {
        sawLogits = true;
        overflows.push(Array.from(read(layer.overflows)).reduce((a, b) => a + b, 0) / nHead);
      } else {
        overflows.push(0);
      }
    });
    const perLayer = perHead.map((row) => row.reduce((a, b) => a + b, 0) / row.length);
    const windows = layers[0]!.windows;
    return { perHead, perLayer, nanCounts, ...(sawLogits ? { fp16Overflows: overflows } : {}), windows };
  };

  const observer: EntropyObserver = {
    get batches() {
      return batchesSeen;
    },
    onAttention(layer, probs) {
      const sums = check(layer, probs, 'attention probabilities');
      const [batchSize, , seqLen] = probs.shape;
      sums.sums = accumulate(sums.sums, () => tf.stack([headEntropySums(probs), headNanCounts(probs)]) as tf.Tensor2D); // (2, nh)
      sums.rows += batchSize * seqLen;
      sums.windows += batchSize;
      if (layer === 0) batchesSeen += 1;
    },
    onAttentionLogits(layer, logits) {
      const sums = check(layer, logits, 'attention logits');
      sums.overflows = accumulate(sums.overflows, () => headFp16OverflowCounts(logits)); // (nh,)
    },
    async result() {
      const values = new Map<tf.Tensor, Float32Array | Int32Array | Uint8Array>();
      try {
        for (const layer of layers) {
          for (const tensor of [layer.sums, layer.overflows]) {
            if (tensor !== undefined) values.set(tensor, await tensor.data());
          }
        }
      } catch (error) {
        release();
        throw error;
      }
      batchesSeen = 0;
      return build((tensor) => values.get(tensor)!);
    },
    resultSync() {
      batchesSeen = 0;
      return build((tensor) => tensor.dataSync());
    },
    reset() {
      batchesSeen = 0;
      release();
    },
    dispose() {
      observer.reset();
    },
    [Symbol.dispose]() {
      observer.reset();
    },
  };
  return observer;
}
