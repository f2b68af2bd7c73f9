/**
 * Head-wise attention entropy of a model over a set of batches, in eval mode (no dropout): the
 * measurement behind the periodic entropy log and the final head-entropy matrix.
 *
 * References: paper-reference §6.1 (definition), §6.2 (a fixed held-out batch, eval mode), §7.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LanguageModel } from '@normfree/core';
import { createEntropyObserver, type EntropyMeasurement } from './entropy-observer.js';

export interface MeasureAttentionEntropyOptions {
  /** Emulate fp16 overflow of the attention logits (paper-reference §7); default false. */
  readonly fp16AttentionOverflow?: boolean;
  /** Use at most this many windows in total (the last batch is cut); default: all of them. */
  readonly maxWindows?: number;
}

/**
 * Run `model.forward` in eval mode over `batches` with an entropy observer and return plain numbers.
 * Yields to the event loop between batches.
 *
 * @param model - any {@link LanguageModel} that calls its `observer` for every layer.
 * @param batches - (B × T) token batches, e.g. a fixed validation batch or `evalSet.batches(16)`.
 * @returns per-head entropy [layer][head] (nats), per-layer means, NaN counts per layer (mean over
 *   heads, summed over every window seen) and, when the model reports logits, fp16 overflows.
 *   No tensors are left behind.
 */
export async function measureAttentionEntropy(
  model: LanguageModel,
  batches: Iterable<Batch>,
  options: MeasureAttentionEntropyOptions = {},
): Promise<EntropyMeasurement> {
  const maxWindows = options.maxWindows ?? Number.POSITIVE_INFINITY;
  if (!(maxWindows >= 1))
    throw new RangeError(`measureAttentionEntropy: maxWindows must be at least 1, got ${maxWindows}`);
  const observer = createEntropyObserver({ nLayer: model.config.nLayer, nHead: model.config.nHead });
  let windows = 0;
  try {
    for (const batch of batches) {
      if (windows >= maxWindows) break;
      const rows = Math.min(batch.batchSize, maxWindows - windows);
      tf.tidy(() => {
        const ids = tf.tensor2d(batch.inputIds.subarray(0, rows * batch.seqLen), [rows, batch.seqLen], 'int32'); // (B, T)
        model.forward(ids, {
          training: false,
          observer,
          ...(options.fp16AttentionOverflow === true ? { fp16AttentionOverflow: true } : {}),
        }); // (B, T, V) logits, disposed by the tidy
      });
      windows += rows;
      await tf.nextFrame();
    }
    if (windows === 0) throw new RangeError('measureAttentionEntropy: no batches given');
    return await observer.result();
  } finally {
    observer.dispose();
  }
}
