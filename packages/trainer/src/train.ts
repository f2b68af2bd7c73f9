/**
 * The training loop: an async generator of plain-number logs (style.md §3.12). Each optimizer step
 * runs its micro-batches' forward/backward passes in `tf.tidy`, clips by global norm, reads the loss
 * and gradient norm once (after the tidy), stops cleanly on a non-finite value, applies AdamW at the
 * scheduled rate, and yields to the event loop. Stop it by leaving the `for await` loop.
 *
 * Order per step s (1-based): StepLog; at s % entropyEvery = 0 or the last step an EntropyLog on the
 * fixed batch (eval mode) and a SlopeLog when the model has slopes; at s % evalEvery = 0 or the last
 * step an EvalLog; then the `onCheckpoint` callback when a checkpoint is due. Step 0 (before any
 * update) gets an EntropyLog and SlopeLog when the run starts from scratch.
 *
 * References:
 * 1. paper-reference §5.2 (optimizer, schedule, clipping, accumulation; the first update at lr 0).
 * 2. paper-reference §6.2 (entropy every 100 steps on a fixed held-out batch, eval mode, step 0 too).
 * 3. paper-reference §7 (NaN counts at the entropy cadence).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  validateTrainingOptions,
  type Batch,
  type BatchSource,
  type DivergedLog,
  type EntropyLog,
  type EvalLog,
  type EvalSet,
  type LanguageModel,
  type RunLogRecord,
  type StepLog,
  type TrainingOptions,
} from '@normfree/core';
import { measureAttentionEntropy } from '@normfree/entropy';
import { adamWOptionsFrom, createAdamW, type AdamW, type OptimizerStateValues } from './adamw.js';
import { clipGradientsByGlobalNorm } from './clip-gradients.js';
import { computeGradients } from './compute-gradients.js';
import { dropoutSeed } from './dropout-seed.js';
import { evaluate } from './evaluate.js';
import { scheduleFromTrainingOptions } from './learning-rate-schedule.js';

export interface TrainArguments {
  /** Training batches: optimizer step s (0-based) uses micro-batches `batchAt(s·K + k)`, k < K. */
  readonly trainSource: BatchSource;
  /** The fixed validation set for the evaluation loss. */
  readonly evalSet: EvalSet;
  /** The fixed held-out batch for the periodic entropy log (its first `entropyBatchSize` windows). */
  readonly entropyBatch: Batch;
  readonly options: TrainingOptions;
  /** Optimizer steps already completed (resume); default 0. Training runs steps startStep+1 … steps. */
  readonly startStep?: number;
  /**
   * The optimizer to use (the caller keeps it, e.g. to checkpoint between yields). Default: one
   * created from `options` and `optimizerState`, disposed when the generator finishes.
   */
  readonly optimizer?: AdamW;
  /** Saved moments to resume from, when the trainer creates the optimizer. */
  readonly optimizerState?: OptimizerStateValues;
  /**
   * Called (and awaited) when a checkpoint is due: every `checkpointEvery` steps and after the last
   * step, after that step's logs were yielded.
   */
  readonly onCheckpoint?: (checkpoint: { readonly step: number; readonly optimizer: AdamW }) => Promise<void> | void;
  /**
   * Checked between steps (after a step's logs and checkpoint): once aborted, the generator returns
   * `{ status: 'stopped' }`, so every log of the last completed step has been yielded.
   */
  readonly signal?: AbortSignal;
  /** Clock in ms (default `performance.now`), injectable for tests. */
  readonly now?: () => number;
}

/** What a finished `train()` returns (the generator's return value). */
export interface TrainOutcome {
  readonly status: 'completed' | 'diverged' | 'stopped';
  readonly stepsCompleted: number;
  readonly tokensSeen: number;
  readonly finalEval?: EvalLog;
  readonly diverged?: DivergedLog;
}

/** Is the step at a cadence (every `every` steps, and always at the last step)? */
const due = (step: number, every: number, lastStep: number): boolean => step === lastStep || (every > 0 && step % every === 0);

/**
 * The periodic entropy log on the fixed batch, in eval mode.
 *
 * @param options - `entropyBatchSize` windows of `batch`; fp16 emulation per `fp16AttentionOverflow`.
 */
export async function entropyLogAt(model: LanguageModel, batch: Batch, step: number, options: TrainingOptions): Promise<EntropyLog> {
  const measurement = await measureAttentionEntropy(model, [batch], {
    maxWindows: options.entropyBatchSize,
    fp16AttentionOverflow: options.fp16AttentionOverflow,
  });
  return { type: 'entropy', step, ...measurement };
}

/**
 * The final head-entropy matrix over a larger validation sample: the first `finalEntropyWindows`
 * windows of `evalSet`, in batches of `entropyBatchSize`, eval mode.
 */
export async function finalEntropyLog(model: LanguageModel, evalSet: EvalSet, step: number, options: TrainingOptions): Promise<EntropyLog> {
  const measurement = await measureAttentionEntropy(model, evalSet.batches(options.entropyBatchSize), {
    maxWindows: options.finalEntropyWindows,
    fp16AttentionOverflow: options.fp16AttentionOverflow,
  });
  return { type: 'entropy', step, ...measurement };
}

/**
 * Train `model` and yield its logs.
 *
 * @returns an async generator of {@link RunLogRecord}s (plain numbers); its return value is a
 *   {@link TrainOutcome}. Leaving the consuming loop (`return()`) stops training between steps with
 *   no tensors left behind; the model and optimizer then hold the state after the last StepLog.
 * @remarks Divergence: a non-finite loss or gradient norm yields a {@link DivergedLog} naming the
 *   step and the value, and ends the run WITHOUT applying that update (so the parameters and a
 *   checkpoint stay finite). The fp16 emulation flag applies to the entropy measurements only
 *   (NaN counts, overflow counts); training itself runs in fp32.
 */
export async function* train(model: LanguageModel, args: TrainArguments): AsyncGenerator<RunLogRecord, TrainOutcome, undefined> {
  const { trainSource, evalSet, entropyBatch, options } = args;
  validateTrainingOptions(options);
  const startStep = args.startStep ?? 0;
  if (!Number.isInteger(startStep) || startStep < 0 || startStep > options.steps) {
    throw new RangeError(`train: startStep must be an integer in [0, steps ${options.steps}], got ${startStep}`);
  }
  if (trainSource.batchSize !== options.microBatchSize) {
    throw new RangeError(`train: trainSource.batchSize ${trainSource.batchSize} differs from options.microBatchSize ${options.microBatchSize}`);
  }
  if (entropyBatch.batchSize < 1) throw new RangeError(`train: entropyBatch has ${entropyBatch.batchSize} windows`);
  const now = args.now ?? (() => performance.now());
  const ownOptimizer = args.optimizer === undefined;
  const optimizer = args.optimizer ?? createAdamW(model.parameters, adamWOptionsFrom(options), args.optimizerState);
  if (optimizer.step !== startStep) {
    if (ownOptimizer) optimizer.dispose();
    throw new RangeError(`train: the optimizer has applied ${optimizer.step} updates but startStep is ${startStep}; resume both from the same checkpoint`);
  }
  const schedule = scheduleFromTrainingOptions(options);
  const accumulation = options.gradientAccumulation;
  const tokensPerStep = options.microBatchSize * accumulation * trainSource.seqLen;
  const lastStep = options.steps;
  const hasSlopes = model.slopes().length > 0;
  let finalEval: EvalLog | undefined;

  try {
    if (startStep === 0) {
      yield await entropyLogAt(model, entropyBatch, 0, options);
      if (hasSlopes) yield { type: 'slopes', step: 0, slopes: model.slopes() };
    }
    for (let step = startStep + 1; step <= lastStep; step++) {
      if (args.signal?.aborted === true) {
        return { status: 'stopped', stepsCompleted: step - 1, tokensSeen: (step - 1) * tokensPerStep, ...(finalEval === undefined ? {} : { finalEval }) };
      }
      const started = now();
      const learningRate = schedule(step - 1); // HF: optimizer.step() before scheduler.step()
      const microSteps = Array.from({ length: accumulation }, (_, k) => (step - 1) * accumulation + k);
      const batches = microSteps.map((microStep) => trainSource.batchAt(microStep));
      const { loss, gradients } = computeGradients(model, batches, {
        training: true,
        dropoutSeeds: microSteps.map((microStep) => dropoutSeed(options.seed, microStep)),
      });
      const clipped = clipGradientsByGlobalNorm(gradients, options.maxGradNorm);
      tf.dispose([...gradients.values()]);
      let lossValue: number;
      let gradNorm: number;
      try {
        // one sync point per step: the loss and the norm are needed for the log and the NaN check
        lossValue = (await loss.data())[0]!;
        gradNorm = (await clipped.norm.data())[0]!;
        if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
          const what = !Number.isFinite(lossValue) ? `training loss is ${lossValue}` : `gradient norm is ${gradNorm}`;
          const diverged: DivergedLog = { type: 'diverged', step, reason: `${what} at step ${step} (learning rate ${learningRate}); the update was not applied` };
          yield diverged;
          return { status: 'diverged', stepsCompleted: step - 1, tokensSeen: (step - 1) * tokensPerStep, diverged, ...(finalEval === undefined ? {} : { finalEval }) };
        }
        optimizer.applyGradients(clipped.gradients, learningRate);
      } finally {
        tf.dispose([loss, clipped.norm, ...clipped.gradients.values()]);
      }
      const slopes = hasSlopes ? model.slopes() : undefined;
      // note: the parameter update is queued, not finished; slopes() above synchronises with it
      const msPerStep = now() - started;
      const stepLog: StepLog = {
        type: 'step',
        step,
        loss: lossValue,
        learningRate,
        gradNorm,
        tokensPerSecond: msPerStep > 0 ? (tokensPerStep * 1000) / msPerStep : 0,
        msPerStep,
        tokens: step * tokensPerStep,
        ...(slopes === undefined ? {} : { slopes }),
      };
      yield stepLog;
      if (due(step, options.entropyEvery, lastStep)) {
        yield await entropyLogAt(model, entropyBatch, step, options);
        if (slopes !== undefined) yield { type: 'slopes', step, slopes };
      }
      if (due(step, options.evalEvery, lastStep)) {
        const evaluation = await evaluate(model, evalSet, { batchSize: options.microBatchSize, maxWindows: options.evalWindows });
        finalEval = { type: 'eval', step, ...evaluation };
        yield finalEval;
      }
      if (args.onCheckpoint !== undefined && due(step, options.checkpointEvery, lastStep)) {
        await args.onCheckpoint({ step, optimizer });
      }
      await tf.nextFrame();
    }
    return { status: 'completed', stepsCompleted: lastStep, tokensSeen: lastStep * tokensPerStep, ...(finalEval === undefined ? {} : { finalEval }) };
  } finally {
    if (ownOptimizer) optimizer.dispose();
  }
}
