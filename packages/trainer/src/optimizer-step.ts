/**
 * One optimizer step, the unit both the training loop and the benchmark run: the micro-batches'
 * forward/backward passes (each in `tf.tidy`), clipping by global norm, ONE read of the loss and the
 * gradient norm, and AdamW at the scheduled rate, unless a value is not finite, in which case the
 * update is not applied (so the parameters stay finite). No tensor outlives the call.
 *
 * References: paper-reference §5.2 (accumulation, clipping, the HF order: optimizer.step() before
 * scheduler.step(), so update s uses the rate of schedule step s − 1 and the first update runs at
 * lr 0 during warmup).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LanguageModel, TrainingOptions } from '@normfree/core';
import type { AdamW } from './adamw.js';
import { clipGradientsByGlobalNorm } from './clip-gradients.js';
import { computeGradients } from './compute-gradients.js';
import { dropoutSeed } from './dropout-seed.js';
import type { LearningRateSchedule } from './learning-rate-schedule.js';

export interface OptimizerStepInput {
  /** The step about to be taken, 1-based (the optimizer has applied `step − 1` updates). */
  readonly step: number;
  /** Micro-batch `k` of the run (0-based over the whole run: `(step − 1)·accumulation + j`). */
  readonly batchAt: (microStep: number) => Batch;
  /** Awaited before `batchAt` for each micro-step (core `BatchSource.load`, e.g. remote shards). */
  readonly load?: (microStep: number) => Promise<void>;
  /** Seed, gradient accumulation and clipping norm are read from here. */
  readonly options: Pick<TrainingOptions, 'seed' | 'gradientAccumulation' | 'maxGradNorm'>;
  readonly schedule: LearningRateSchedule;
  /** Clock for `forwardBackwardMs` (default `performance.now`). */
  readonly now?: () => number;
}

interface StepValues {
  readonly loss: number;
  readonly gradNorm: number;
  readonly learningRate: number;
  /** Milliseconds spent queuing and running the forward/backward passes. */
  readonly forwardBackwardMs: number;
}

export type OptimizerStepResult =
  | (StepValues & { readonly status: 'applied' })
  /** Nothing was applied; `reason` names the step, the value and the learning rate. */
  | (StepValues & { readonly status: 'diverged'; readonly reason: string });

/** Take one optimizer step (see the module comment). */
export async function optimizerStep(
  model: LanguageModel,
  optimizer: AdamW,
  input: OptimizerStepInput,
): Promise<OptimizerStepResult> {
  const { step, options } = input;
  const now = input.now ?? (() => performance.now());
  const learningRate = input.schedule(step - 1); // HF: optimizer.step() before scheduler.step()
  const accumulation = options.gradientAccumulation;
  const microSteps = Array.from({ length: accumulation }, (_, k) => (step - 1) * accumulation + k);
  if (input.load !== undefined) await Promise.all(microSteps.map((microStep) => input.load!(microStep)));
  const forwardStarted = now();
  const { loss, gradients } = computeGradients(
    model,
    microSteps.map((microStep) => input.batchAt(microStep)),
    { training: true, dropoutSeeds: microSteps.map((microStep) => dropoutSeed(options.seed, microStep)) },
  );
  const forwardBackwardMs = now() - forwardStarted;
  const clipped = clipGradientsByGlobalNorm(gradients, options.maxGradNorm);
  tf.dispose([...gradients.values()]);
  try {
    // one sync point per step: the loss and the norm are needed for the log and the NaN check
    const lossValue = (await loss.data())[0]!;
    const gradNorm = (await clipped.norm.data())[0]!;
    const values = { loss: lossValue, gradNorm, learningRate, forwardBackwardMs };
    if (!Number.isFinite(lossValue) || !Number.isFinite(gradNorm)) {
      const what = !Number.isFinite(lossValue) ? `training loss is ${lossValue}` : `gradient norm is ${gradNorm}`;
      return {
        ...values,
        status: 'diverged',
        reason: `${what} at step ${step} (learning rate ${learningRate}); the update was not applied`,
      };
    }
    optimizer.applyGradients(clipped.gradients, learningRate);
    return { ...values, status: 'applied' };
  } finally {
    tf.dispose([loss, clipped.norm, ...clipped.gradients.values()]);
  }
}
