/**
 * Evaluation loss and perplexity over the fixed validation set, in eval mode (no dropout): the
 * token-mean next-token cross-entropy, and perplexity = exp(loss).
 *
 * References: paper-reference §5.3 (HF prediction-loss-only evaluation; every window has T−1 scored
 * positions, so the window-weighted mean of batch means is the token mean), §2 item 8 (PPL = exp).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkInteger, type EvalLog, type EvalSet, type LanguageModel } from '@normfree/core';
import { batchTensor } from './compute-gradients.js';

export interface EvaluateOptions {
  /** Windows per forward pass. */
  readonly batchSize: number;
  /** Use at most this many windows (0 or omitted: the whole set), in the set's order. */
  readonly maxWindows?: number;
}

/** Evaluation result: {@link EvalLog} without `type` and `step`. */
export type EvaluationResult = Omit<EvalLog, 'type' | 'step'>;

/**
 * Token-mean cross-entropy of `model` over `evalSet` (eval mode) and its perplexity.
 *
 * @returns plain numbers; no tensors are left behind. Yields to the event loop between batches.
 */
export async function evaluate(
  model: LanguageModel,
  evalSet: EvalSet,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  checkInteger('evaluate: batchSize', options.batchSize, { min: 1 });
  const maxWindows =
    options.maxWindows === undefined || options.maxWindows === 0 ? Number.POSITIVE_INFINITY : options.maxWindows;
  let weightedSum = 0;
  let windows = 0;
  for (const batch of evalSet.batches(options.batchSize)) {
    if (windows >= maxWindows) break;
    const rows = Math.min(batch.batchSize, maxWindows - windows);
    const loss = tf.tidy(() => {
      const ids = batchTensor({
        inputIds: batch.inputIds.subarray(0, rows * batch.seqLen),
        batchSize: rows,
        seqLen: batch.seqLen,
      }); // (B, T)
      return model.loss(ids, { training: false }); // () mean over B·(T−1)
    });
    // note: a sync point per batch; reading after the tidy (no await inside tidy)
    const value = (await loss.data())[0]!;
    loss.dispose();
    weightedSum += value * rows;
    windows += rows;
    await tf.nextFrame();
  }
  if (windows === 0) throw new RangeError('evaluate: the evaluation set gave no windows');
  const meanLoss = weightedSum / windows;
  return { loss: meanLoss, perplexity: Math.exp(meanLoss), windows };
}
