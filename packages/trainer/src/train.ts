/**
 * The training loop: an async generator of plain-number logs (style.md §3.12). Each optimizer step
 * runs its micro-batches' forward/backward passes in `tf.tidy`, clips by global norm, reads the loss
 * and gradient norm once (after the tidy), stops cleanly on a non-finite value, applies AdamW at the
 * scheduled rate, and yields to the event loop. Stop it by leaving the `for await` loop.
 *
 * Measurements are probes (core's `TrainingProbe`) the caller hands in, e.g. `@normfree/entropy`'s
 * entropy probe; the trainer knows when to ask them, not what they measure.
 *
 * Order per step s (1-based): StepLog; the records of every probe whose `shouldRun(s, steps)` is
 * true, probe by probe in the order given; at s % entropyEvery = 0 or the last step a SlopeLog when
 * the model has slopes; at s % evalEvery = 0 or the last step an EvalLog; then the `onCheckpoint`
 * callback when a checkpoint is due. Step 0 (before any update) gets the due probes' records and a
 * SlopeLog when the run starts from scratch. With the entropy probe this is the order the run
 * folders have always had: entropy, slopes, eval.
 *
 * Slopes stay here: they are the model's parameters (`LanguageModel.slopes()`), read without a
 * forward pass, and every StepLog carries them too; the SlopeLog keeps the measurement cadence
 * `entropyEvery` ("entropy / NaN counts / slopes", core's TrainingOptions).
 *
 * References:
 * 1. paper-reference §5.2 (optimizer, schedule, clipping, accumulation; the first update at lr 0).
 * 2. paper-reference §6.2 (entropy every 100 steps on a fixed held-out batch, eval mode, step 0 too).
 * 3. paper-reference §7 (NaN counts at the entropy cadence).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  isDueStep,
  validateTrainingOptions,
  validateTrainingProbes,
  type BatchSource,
  type DivergedLog,
  type EvalLog,
  type EvalSet,
  type LanguageModel,
  type ProbeLogRecord,
  type RunLogRecord,
  type StepLog,
  type TrainingOptions,
  type TrainingProbe,
  checkInteger,
  definedFields,
} from '@normfree/core';
import { adamWOptionsFrom, createAdamW, type AdamW, type OptimizerStateValues } from './adamw.js';
import { evaluate } from './evaluate.js';
import { optimizerStep } from './optimizer-step.js';
import { scheduleFromTrainingOptions } from './learning-rate-schedule.js';

export interface TrainArguments {
  /** Training batches: optimizer step s (0-based) uses micro-batches `batchAt(s·K + k)`, k < K. */
  readonly trainSource: BatchSource;
  /** The fixed validation set for the evaluation loss. */
  readonly evalSet: EvalSet;
  /**
   * Measurements to run between steps, in this order (e.g. `[createEntropyProbe(…)]` from
   * `@normfree/entropy`); `[]` for none. Required, so a run without entropy logs is a visible choice.
   */
  readonly probes: readonly TrainingProbe[];
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

/**
 * Run the probes due at `step`, checking what each returns: measurements only, each for `step`
 * (a probe bug would otherwise write records under the wrong step). Messages name the probe.
 */
async function* probeRecords(
  probes: readonly TrainingProbe[],
  model: LanguageModel,
  step: number,
  lastStep: number,
): AsyncGenerator<ProbeLogRecord, void, undefined> {
  for (const probe of probes) {
    if (!probe.shouldRun(step, lastStep)) continue;
    const records: readonly RunLogRecord[] = await probe.measure(model, step);
    for (const record of records) {
      if (record.type === 'step' || record.type === 'diverged') {
        throw new TypeError(
          `train: probe '${probe.name}' returned a '${record.type}' record at step ${step}; probes return measurements only`,
        );
      }
      if (record.step !== step)
        throw new RangeError(
          `train: probe '${probe.name}' returned a '${record.type}' record for step ${record.step} when measuring step ${step}`,
        );
      yield record;
    }
  }
}

/**
 * Train `model` and yield its logs.
 *
 * @returns an async generator of {@link RunLogRecord}s (plain numbers); its return value is a
 *   {@link TrainOutcome}. Leaving the consuming loop (`return()`) stops training between steps with
 *   no tensors left behind; the model and optimizer then hold the state after the last StepLog.
 * @remarks Divergence: a non-finite loss or gradient norm yields a {@link DivergedLog} naming the
 *   step and the value, and ends the run WITHOUT applying that update (so the parameters and a
 *   checkpoint stay finite). Training itself runs in fp32 (`fp16AttentionOverflow` is for probes,
 *   e.g. the entropy probe's NaN counts). Probes' final measurements (`measureFinal`) are not taken
 *   here: they belong to the run summary, and `runTraining` takes them after a completed run.
 */
export async function* train(
  model: LanguageModel,
  args: TrainArguments,
): AsyncGenerator<RunLogRecord, TrainOutcome, undefined> {
  const { trainSource, evalSet, probes, options } = args;
  validateTrainingOptions(options);
  validateTrainingProbes(probes);
  const startStep = args.startStep ?? 0;
  checkInteger('train: startStep', startStep, { min: 0, max: options.steps });
  if (trainSource.batchSize !== options.microBatchSize) {
    throw new RangeError(
      `train: trainSource.batchSize ${trainSource.batchSize} differs from options.microBatchSize ${options.microBatchSize}`,
    );
  }
  const now = args.now ?? (() => performance.now());
  const ownOptimizer = args.optimizer === undefined;
  const optimizer = args.optimizer ?? createAdamW(model.parameters, adamWOptionsFrom(options), args.optimizerState);
  if (optimizer.step !== startStep) {
    if (ownOptimizer) optimizer.dispose();
    throw new RangeError(
      `train: the optimizer has applied ${optimizer.step} updates but startStep is ${startStep}; resume both from the same checkpoint`,
    );
  }
  const schedule = scheduleFromTrainingOptions(options);
  const accumulation = options.gradientAccumulation;
  const tokensPerStep = options.microBatchSize * accumulation * trainSource.seqLen;
  const lastStep = options.steps;
  const hasSlopes = model.slopes().length > 0;
  let finalEval: EvalLog | undefined;

  try {
    if (startStep === 0) {
      yield* probeRecords(probes, model, 0, lastStep);
      if (hasSlopes && isDueStep(0, options.entropyEvery, lastStep))
        yield { type: 'slopes', step: 0, slopes: model.slopes() };
    }
    for (let step = startStep + 1; step <= lastStep; step++) {
      if (args.signal?.aborted === true) {
        return {
          status: 'stopped',
          stepsCompleted: step - 1,
          tokensSeen: (step - 1) * tokensPerStep,
          ...definedFields({ finalEval }),
        };
      }
      const started = now();
      const result = await optimizerStep(model, optimizer, {
        step,
        batchAt: (microStep) => trainSource.batchAt(microStep),
        ...(trainSource.load === undefined ? {} : { load: (microStep: number) => trainSource.load!(microStep) }),
        options,
        schedule,
        now,
      });
      if (result.status === 'diverged') {
        const diverged: DivergedLog = { type: 'diverged', step, reason: result.reason };
        yield diverged;
        return {
          status: 'diverged',
          stepsCompleted: step - 1,
          tokensSeen: (step - 1) * tokensPerStep,
          diverged,
          ...definedFields({ finalEval }),
        };
      }
      const { loss: lossValue, gradNorm, learningRate } = result;
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
        ...definedFields({ slopes }),
      };
      yield stepLog;
      yield* probeRecords(probes, model, step, lastStep);
      if (slopes !== undefined && isDueStep(step, options.entropyEvery, lastStep))
        yield { type: 'slopes', step, slopes };
      if (isDueStep(step, options.evalEvery, lastStep)) {
        const evaluation = await evaluate(model, evalSet, {
          batchSize: options.microBatchSize,
          maxWindows: options.evalWindows,
        });
        finalEval = { type: 'eval', step, ...evaluation };
        yield finalEval;
      }
      if (args.onCheckpoint !== undefined && isDueStep(step, options.checkpointEvery, lastStep)) {
        await args.onCheckpoint({ step, optimizer });
      }
      await tf.nextFrame();
    }
    return {
      status: 'completed',
      stepsCompleted: lastStep,
      tokensSeen: lastStep * tokensPerStep,
      ...definedFields({ finalEval }),
    };
  } finally {
    if (ownOptimizer) optimizer.dispose();
  }
}
