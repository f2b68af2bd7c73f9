import { defaultTrainingOptions } from '@normfree/core';
import { describe, expect, it } from 'vitest';
import { createLearningRateSchedule, scheduleFromTrainingOptions, warmupStepCount } from './learning-rate-schedule.js';

/** Float64 arithmetic on a handful of terms. */
const rateTolerance = 1e-15;

describe('createLearningRateSchedule (HF polynomial, power 1)', () => {
  const schedule = createLearningRateSchedule({
    learningRate: 1e-3,
    finalLearningRate: 1e-7,
    warmupSteps: 5,
    steps: 100,
  });

  it('starts at 0: the first update runs with lr(0) = 0, then warms up linearly', () => {
    expect(schedule(0)).toBe(0);
    expect(Math.abs(schedule(1) - 2e-4)).toBeLessThan(rateTolerance);
    expect(Math.abs(schedule(4) - 8e-4)).toBeLessThan(rateTolerance);
  });

  it('peaks at W and decays linearly to finalLearningRate at S, staying there after', () => {
    expect(schedule(5)).toBe(1e-3);
    expect(Math.abs(schedule(52.5) - ((1e-3 - 1e-7) * 0.5 + 1e-7))).toBeLessThan(rateTolerance);
    expect(Math.abs(schedule(100) - 1e-7)).toBeLessThan(rateTolerance);
    expect(schedule(101)).toBe(1e-7);
  });

  it("uses W = ceil(0.05 · S) like HF (1,600 of the authors' 32,000 steps)", () => {
    expect(warmupStepCount(32_000, 0.05)).toBe(1600);
    expect(warmupStepCount(8, 0.05)).toBe(1);
    const fromOptions = scheduleFromTrainingOptions({ ...defaultTrainingOptions, steps: 8 });
    expect(fromOptions(0)).toBe(0);
    expect(fromOptions(1)).toBe(defaultTrainingOptions.learningRate);
  });

  it('with no warmup starts at the peak; with W = S holds the peak at S', () => {
    expect(createLearningRateSchedule({ learningRate: 1, finalLearningRate: 0, warmupSteps: 0, steps: 4 })(0)).toBe(1);
    expect(createLearningRateSchedule({ learningRate: 1, finalLearningRate: 0, warmupSteps: 4, steps: 4 })(4)).toBe(1);
  });

  it('rejects lr_end above lr_init and warmup beyond the run, naming the numbers', () => {
    expect(() =>
      createLearningRateSchedule({ learningRate: 1e-3, finalLearningRate: 1e-2, warmupSteps: 0, steps: 4 }),
    ).toThrow('finalLearningRate 0.01 must be in [0, learningRate 0.001]');
    expect(() =>
      createLearningRateSchedule({ learningRate: 1e-3, finalLearningRate: 0, warmupSteps: 5, steps: 4 }),
    ).toThrow('warmupSteps must be an integer in [0, 4], got 5');
  });
});
