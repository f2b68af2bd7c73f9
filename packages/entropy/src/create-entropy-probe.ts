/**
 * The entropy probe: head-wise attention entropy and NaN counts as a core `TrainingProbe`, so the
 * trainer logs them without depending on this package. It produces exactly the records the trainer
 * used to compute itself: an `EntropyLog` on the fixed held-out batch at step 0, every `entropyEvery`
 * steps and at the last step (eval mode), and the final head-entropy matrix over a larger validation
 * sample (`final-entropy.json`, `RunSummary.finalEntropy`).
 *
 * NaN counts (and fp16-overflow counts) belong here: they are read from the same attention
 * probabilities in the same forward pass as the entropy (paper-reference §7: "same cadence and batch
 * as the entropy log"). Learnable slopes do not: they are the model's parameters
 * (`LanguageModel.slopes()`), read without a forward pass, and the trainer logs them itself.
 *
 * References:
 * 1. paper-reference §6.2: entropy every 100 steps on a fixed held-out batch, eval mode, step 0 too;
 *    for this project also at the end.
 * 2. paper-reference §6.1 (definition) and §7 (NaN counts).
 */
import {
  checkInteger,
  isDueStep,
  type Batch,
  type EntropyLog,
  type EvalSet,
  type LanguageModel,
  type TrainingOptions,
  type TrainingProbe,
} from '@normfree/core';
import { measureAttentionEntropy } from './measure-attention-entropy.js';

/** The training options the entropy probe reads (the run's own, so `config.json` records them). */
export type EntropyProbeSchedule = Pick<
  TrainingOptions,
  'entropyEvery' | 'entropyBatchSize' | 'finalEntropyWindows' | 'fp16AttentionOverflow'
>;

export interface EntropyProbeOptions {
  /** The fixed held-out batch for the periodic log; its first `options.entropyBatchSize` windows are used. */
  readonly batch: Batch;
  /** The validation set of the final matrix: its first `finalEntropyWindows` windows, in batches of `entropyBatchSize`. */
  readonly evalSet: EvalSet;
  /**
   * `entropyEvery` (cadence), `entropyBatchSize`, `finalEntropyWindows`, and `fp16AttentionOverflow`
   * (emulate fp16 overflow of the attention logits in these measurements only; training stays fp32).
   */
  readonly options: EntropyProbeSchedule;
}

/** The entropy probe: a {@link TrainingProbe} whose final measurement is always there. */
export interface EntropyProbe extends TrainingProbe {
  readonly name: 'entropy';
  measure(model: LanguageModel, step: number): Promise<readonly [EntropyLog]>;
  measureFinal(model: LanguageModel, step: number): Promise<EntropyLog>;
}

/**
 * Make the entropy probe of a run.
 *
 * @param options.batch - the fixed held-out batch (paper-reference §6.2), e.g. the first
 *   `entropyBatchSize` validation windows.
 * @param options.evalSet - the validation set for the final matrix.
 * @param options.options - the run's training options (cadence, window counts, fp16 emulation).
 * @returns a stateless probe (the model is passed to each call), so one probe can serve several
 *   models; its measurements leave no tensors behind.
 * @throws RangeError naming the field when the batch is empty or a count is not a positive integer.
 */
export function createEntropyProbe(options: EntropyProbeOptions): EntropyProbe {
  const { batch, evalSet } = options;
  const { entropyEvery, entropyBatchSize, finalEntropyWindows, fp16AttentionOverflow } = options.options;
  for (const [field, value] of Object.entries({ entropyEvery, entropyBatchSize, finalEntropyWindows })) {
    checkInteger(`createEntropyProbe: ${field}`, value, { min: 1 });
  }
  if (batch.batchSize < 1) throw new RangeError(`createEntropyProbe: the entropy batch has ${batch.batchSize} windows`);
  return {
    specificationVersion: 'v1',
    name: 'entropy',
    shouldRun: (step, lastStep) => isDueStep(step, entropyEvery, lastStep),
    async measure(model, step) {
      const measurement = await measureAttentionEntropy(model, [batch], {
        maxWindows: entropyBatchSize,
        fp16AttentionOverflow,
      });
      return [{ type: 'entropy', step, ...measurement }];
    },
    async measureFinal(model, step) {
      const measurement = await measureAttentionEntropy(model, evalSet.batches(entropyBatchSize), {
        maxWindows: finalEntropyWindows,
        fp16AttentionOverflow,
      });
      return { type: 'entropy', step, ...measurement };
    },
  };
}
