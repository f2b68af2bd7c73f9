/**
 * The training run a benchmark times: the model `normfree train` would build for a preset and an
 * experiment configuration, and the trainer's own optimizer step over a fixed random batch.
 *
 * A timed step is `@normfree/trainer`'s `optimizerStep`, the function `train()` runs for every step
 * (scheduled learning rate, micro-batches with their dropout seeds, clipping, one read-back, the
 * non-finite check, AdamW), then `model.slopes()` when the model has slopes, as train()'s StepLog
 * does; `tf.nextFrame()` is outside the timed part (train's `msPerStep` does not count it either).
 * bench.test.ts checks that the losses equal `train()`'s StepLogs.
 *
 * Not timed, unlike a real run: the data pipeline (one random batch of ids, drawn once, is every
 * micro-batch's), the periodic entropy and evaluation passes, and checkpoints.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  getPreset,
  type Batch,
  type LanguageModel,
  type ModelConfig,
  type PresetName,
  type TrainingOptions,
  definedFields,
} from '@normfree/core';
import { createModel } from '@normfree/transformer';
import { adamWOptionsFrom, createAdamW, optimizerStep, scheduleFromTrainingOptions } from '@normfree/trainer';
import { resolveRunSettings } from '@normfree/experiment';
import { loadTokenizerVocabSize } from '@normfree/experiment/node';
import { paperPresetBenchBatchSize } from './api.js';

/** What one optimizer step gives back (plain numbers). */
export interface BenchStepResult {
  readonly loss: number;
  readonly gradNorm: number;
  readonly learningRate: number;
  /** Wall time of the whole step, ms (what `train()` reports as `msPerStep`). */
  readonly ms: number;
  /** Wall time of `computeGradients` (forward and backward passes of every micro-batch), ms. */
  readonly forwardBackwardMs: number;
}

export interface BenchTraining {
  /** The `@normfree/transformer` model being trained. */
  readonly model: LanguageModel;
  readonly config: ModelConfig;
  /** The training options of the preset, as `normfree train` resolves them. */
  readonly options: TrainingOptions;
  /** The fixed batch every micro-step trains on. */
  readonly batch: Batch;
  /** Tokens per optimizer step: micro-batch size × gradient accumulation × T. */
  readonly tokensPerStep: number;
  /**
   * Run the next optimizer step (1-based, as in `train()`). Rejects, without applying the update,
   * when the loss or the gradient norm is not finite.
   */
  step(): Promise<BenchStepResult>;
  /** Free the model, the optimizer and their tensors. */
  dispose(): void;
}

export interface CreateBenchTrainingOptions {
  /** A `@normfree/core` preset: its model dimensions and training options. */
  readonly preset: PresetName;
  /** A `@normfree/core` experiment configuration id: norm and activation (e.g. `sm-ln-g`). */
  readonly configuration: string;
  /** Sequences per micro-batch (default: the preset's, or {@link paperPresetBenchBatchSize} for `paper-*`). */
  readonly batchSize?: number;
  /** Micro-batches per optimizer step (default: the preset's). */
  readonly gradientAccumulation?: number;
}

/**
 * Build the model and the optimizer of one benchmark run on the current backend.
 *
 * @param options.preset - the preset; its training options' seed seeds the weights and the dropout.
 * @param options.configuration - the experiment configuration.
 * @returns the run; the caller disposes it.
 * @remarks The settings come from `resolveRunSettings`, the function `normfree train` uses, with the
 *   vocabulary of the preset's tokenizer (4,096 for `bench` and `laptop`, 50,257 for `paper-*`), the
 *   preset's seed, and the micro-batch and accumulation overrides.
 */
export async function createBenchTraining(options: CreateBenchTrainingOptions): Promise<BenchTraining> {
  const preset = getPreset(options.preset);
  const vocabSize = await loadTokenizerVocabSize(preset.tokenizer);
  const batchSize = options.batchSize ?? (options.preset.startsWith('paper-') ? paperPresetBenchBatchSize : undefined);
  const overrides = {
    ...definedFields({ batchSize, gradientAccumulation: options.gradientAccumulation }),
  };
  const settings = resolveRunSettings({
    preset: options.preset,
    configuration: options.configuration,
    seed: preset.training.seed,
    overrides,
    vocabSize,
  });
  const config = settings.model;
  const trainingOptions = settings.training;
  const microBatchSize = trainingOptions.microBatchSize;
  // The same ids as the bench drew before it timed the real step only (seed 7), read back once.
  const ids = tf.randomUniform([microBatchSize, config.blockSize], 0, config.vocabSize, 'int32', 7); // (B, T)
  const batch: Batch = {
    inputIds: new Int32Array(await ids.data()),
    batchSize: microBatchSize,
    seqLen: config.blockSize,
  };
  ids.dispose();

  const model = createModel(config, { seed: trainingOptions.seed });
  const optimizer = createAdamW(model.parameters, adamWOptionsFrom(trainingOptions));
  const schedule = scheduleFromTrainingOptions(trainingOptions);
  const accumulation = trainingOptions.gradientAccumulation;
  const hasSlopes = model.slopes().length > 0;
  let completedSteps = 0;

  async function step(): Promise<BenchStepResult> {
    const stepNumber = completedSteps + 1;
    const started = performance.now();
    // The trainer's own step (train() runs the same function), on the one fixed batch.
    const result = await optimizerStep(model, optimizer, {
      step: stepNumber,
      batchAt: () => batch,
      options: trainingOptions,
      schedule,
    });
    if (result.status === 'diverged') throw new Error(`training diverged: ${result.reason}`);
    if (hasSlopes) model.slopes(); // train() reads them for its StepLog; this also waits for the update
    const ms = performance.now() - started;
    completedSteps = stepNumber;
    await tf.nextFrame();
    return {
      loss: result.loss,
      gradNorm: result.gradNorm,
      learningRate: result.learningRate,
      ms,
      forwardBackwardMs: result.forwardBackwardMs,
    };
  }

  return {
    model,
    config,
    options: trainingOptions,
    batch,
    tokensPerStep: microBatchSize * accumulation * config.blockSize,
    step,
    dispose: () => {
      optimizer.dispose();
      model.dispose();
    },
  };
}
