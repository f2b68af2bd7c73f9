/**
 * The authors' learning-rate schedule: Hugging Face `get_polynomial_decay_schedule_with_warmup` with
 * power 1 (linear warmup, then linear decay to `finalLearningRate`), as read by the Trainer.
 *
 * References:
 * 1. paper-reference §5.2 (train.yaml:6-7: `polynomial`, warmup ratio 0.05, lr_end 1e-7).
 * 2. transformers 4.30.2 `optimization.py`, `get_polynomial_decay_schedule_with_warmup`.
 */
import { checkInteger, type TrainingOptions } from '@normfree/core';

export interface LearningRateScheduleOptions {
  /** Peak learning rate (HF `lr_init`, the optimizer's lr). */
  readonly learningRate: number;
  /** Learning rate at and after `steps` (HF `lr_end`); must not exceed `learningRate`. */
  readonly finalLearningRate: number;
  /** Warmup steps W (see {@link warmupStepCount}). */
  readonly warmupSteps: number;
  /** Total optimizer steps S (HF `num_training_steps`). */
  readonly steps: number;
}

/** A learning-rate schedule: the rate read after `completedSteps` optimizer updates. */
export type LearningRateSchedule = (completedSteps: number) => number;

/**
 * HF's warmup step count from a ratio: `ceil(warmupFraction · steps)` (`TrainingArguments.get_warmup_steps`).
 *
 * @example `warmupStepCount(32_000, 0.05) === 1600`
 */
export function warmupStepCount(steps: number, warmupFraction: number): number {
  return Math.ceil(warmupFraction * steps);
}

/**
 * Create the polynomial (power 1) schedule with linear warmup.
 *
 * @returns `lr(s)` for s completed optimizer steps:
 *   1. warmup, s < W: `lr_init · s / max(1, W)`; so the FIRST update (s = 0) runs with lr 0, because
 *      the HF Trainer calls `optimizer.step()` before `scheduler.step()` (paper-reference §5.2);
 *   2. decay, W ≤ s ≤ S: `(lr_init − lr_end) · (1 − (s − W)/(S − W)) + lr_end`;
 *   3. after the end, s > S: `lr_end`.
 * @remarks When W = S, HF divides by zero; here the decay phase is the single point s = S at lr_init.
 */
export function createLearningRateSchedule(options: LearningRateScheduleOptions): LearningRateSchedule {
  const { learningRate, finalLearningRate, warmupSteps, steps } = options;
  if (!(learningRate >= 0) || !Number.isFinite(learningRate))
    throw new RangeError(`learning-rate schedule: learningRate must be a finite number ≥ 0, got ${learningRate}`);
  if (!(finalLearningRate >= 0) || finalLearningRate > learningRate) {
    throw new RangeError(
      `learning-rate schedule: finalLearningRate ${finalLearningRate} must be in [0, learningRate ${learningRate}] (HF raises for lr_end > lr_init)`,
    );
  }
  checkInteger('learning-rate schedule: steps', steps, { min: 1 });
  checkInteger('learning-rate schedule: warmupSteps', warmupSteps, { min: 0, max: steps });
  return (completedSteps) => {
    if (completedSteps < warmupSteps) return (learningRate * completedSteps) / Math.max(1, warmupSteps);
    if (completedSteps > steps) return finalLearningRate;
    const decaySteps = steps - warmupSteps;
    const remaining = decaySteps === 0 ? 1 : 1 - (completedSteps - warmupSteps) / decaySteps;
    return (learningRate - finalLearningRate) * remaining + finalLearningRate;
  };
}

/** The schedule a {@link TrainingOptions} describes (W = ceil(warmupFraction · steps)). */
export function scheduleFromTrainingOptions(options: TrainingOptions): LearningRateSchedule {
  return createLearningRateSchedule({
    learningRate: options.learningRate,
    finalLearningRate: options.finalLearningRate,
    warmupSteps: warmupStepCount(options.steps, options.warmupFraction),
    steps: options.steps,
  });
}
