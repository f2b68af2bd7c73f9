/**
 * Training options shared by the trainer, the presets and the CLI. Defaults are the authors'
 * (paper-reference §5.2, §12); presets scale steps and batch sizes down.
 */

import { checkInteger } from './check-integer.js';

export type OptimizerRule = 'adamw-hf' | 'adamw-torch';

export interface TrainingOptions {
  /** Optimizer steps. */
  readonly steps: number;
  /** Sequences per forward/backward pass. */
  readonly microBatchSize: number;
  /** Micro-batches per optimizer step (the authors: 4). */
  readonly gradientAccumulation: number;
  /** Peak learning rate (the authors: 1e-3). */
  readonly learningRate: number;
  /** Learning rate at the end of the linear decay (HF polynomial `lr_end`: 1e-7). */
  readonly finalLearningRate: number;
  /** Warmup steps = ceil(warmupFraction · steps) (the authors: 0.05). */
  readonly warmupFraction: number;
  /** Decoupled weight decay on the decay group (0.1). */
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Global L2 gradient-norm clip (1.0). */
  readonly maxGradNorm: number;
  /**
   * `adamw-hf`: the legacy transformers AdamW the authors ran (eps before bias correction, decay after
   * the Adam step). `adamw-torch`: torch.optim.AdamW. (paper-reference §5.2)
   */
  readonly optimizer: OptimizerRule;
  /** Seeds init, dropout and data order (the authors: 1337). */
  readonly seed: number;
  /** Evaluate on the validation set every this many optimizer steps (and at the end). */
  readonly evalEvery: number;
  /** Log head entropy / NaN counts / slopes every this many steps (the authors: 100). */
  readonly entropyEvery: number;
  /** Windows of the fixed validation batch used for the periodic entropy log. */
  readonly entropyBatchSize: number;
  /** Windows used for the final head-entropy matrix (a larger validation sample). */
  readonly finalEntropyWindows: number;
  /** Cap on validation windows per evaluation (0 = the whole validation split). */
  readonly evalWindows: number;
  /** Emulate fp16 overflow of attention logits (paper-reference §7). */
  readonly fp16AttentionOverflow: boolean;
  /** Save a checkpoint every this many steps (0 = only at the end). */
  readonly checkpointEvery: number;
}

export const defaultTrainingOptions: TrainingOptions = {
  steps: 1000,
  microBatchSize: 32,
  gradientAccumulation: 1,
  learningRate: 1e-3,
  finalLearningRate: 1e-7,
  warmupFraction: 0.05,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 1.0,
  optimizer: 'adamw-hf',
  seed: 1337,
  evalEvery: 100,
  entropyEvery: 100,
  entropyBatchSize: 16,
  finalEntropyWindows: 256,
  evalWindows: 0,
  fp16AttentionOverflow: false,
  checkpointEvery: 0,
};

/** Check training options; the message names the field and the value. */
export function validateTrainingOptions(options: unknown): asserts options is TrainingOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`training options must be an object, got ${JSON.stringify(options)}`);
  const record = options as Record<string, unknown>;
  const integer = (field: string, min: number): void => {
    checkInteger(`training options: ${field}`, record[field], { min });
  };
  const number = (field: string, min: number, max: number): void => {
    const value = record[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(
        `training options: ${field} must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`,
      );
    }
  };
  integer('steps', 1);
  integer('microBatchSize', 1);
  integer('gradientAccumulation', 1);
  integer('seed', 0);
  integer('evalEvery', 1);
  integer('entropyEvery', 1);
  integer('entropyBatchSize', 1);
  integer('finalEntropyWindows', 1);
  integer('evalWindows', 0);
  integer('checkpointEvery', 0);
  number('learningRate', 0, 10);
  number('finalLearningRate', 0, 10);
  number('warmupFraction', 0, 1);
  number('weightDecay', 0, 10);
  number('beta1', 0, 0.999999);
  number('beta2', 0, 0.999999999);
  number('epsilon', 0, 1);
  number('maxGradNorm', 0, Number.MAX_VALUE);
  if (record['optimizer'] !== 'adamw-hf' && record['optimizer'] !== 'adamw-torch') {
    throw new RangeError(
      `training options: optimizer must be 'adamw-hf' or 'adamw-torch', got ${JSON.stringify(record['optimizer'])}`,
    );
  }
  if (typeof record['fp16AttentionOverflow'] !== 'boolean') {
    throw new TypeError(
      `training options: fp16AttentionOverflow must be a boolean, got ${JSON.stringify(record['fp16AttentionOverflow'])}`,
    );
  }
}
