import * as tf from '@tensorflow/tfjs-core';
import { defaultTrainingOptions, type RunLogRecord, type StepLog, type TrainingOptions } from '@normfree/core';
import { createFakeBatchSource, createFakeEvalSet, createFakeTrainingProbe } from '@normfree/core/testing';
import { createEntropyProbe } from '@normfree/entropy';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeaksPerTest } from './__fixtures__/no-tensor-leaks.js';
import { createFakeLanguageModel } from './testing/index.js';
import { train } from './train.js';

expectNoTensorLeaksPerTest();

const vocabSize = 16;
const seqLen = 8;

const fixtures = (overrides: Partial<TrainingOptions> = {}) => {
  const options: TrainingOptions = {
    ...defaultTrainingOptions,
    steps: 6,
    microBatchSize: 4,
    evalEvery: 3,
    entropyEvery: 2,
    entropyBatchSize: 2,
    finalEntropyWindows: 4,
    evalWindows: 8,
    learningRate: 1e-2,
    warmupFraction: 0.2,
    seed: 7,
    ...overrides,
  };
  const trainSource = createFakeBatchSource({ batchSize: options.microBatchSize, seqLen, vocabSize, seed: 1 });
  const evalWindows = Array.from({ length: 8 }, (_, index) =>
    trainSource.batchAt(100 + index).inputIds.subarray(0, seqLen),
  );
  const evalSet = createFakeEvalSet(evalWindows, seqLen);
  const probes = [createEntropyProbe({ batch: trainSource.batchAt(200), evalSet, options })];
  return { options, trainSource, evalSet, probes };
};

const collect = async (generator: AsyncGenerator<RunLogRecord, unknown>): Promise<RunLogRecord[]> => {
  const records: RunLogRecord[] = [];
  for await (const record of generator) records.push(record);
  return records;
};

describe('train', () => {
  it('yields step logs every step, entropy/slopes at step 0, every entropyEvery and at the end, eval every evalEvery', async () => {
    const before = tf.memory().numTensors;
    const model = createFakeLanguageModel({ vocabSize, seqLen, learnableSlope: true });
    const records = await collect(train(model, fixtures()));
    const summary = records.map((record) => `${record.type}@${record.step}`);
    expect(summary).toEqual([
      'entropy@0',
      'slopes@0',
      'step@1',
      'step@2',
      'entropy@2',
      'slopes@2',
      'step@3',
      'eval@3',
      'step@4',
      'entropy@4',
      'slopes@4',
      'step@5',
      'step@6',
      'entropy@6',
      'slopes@6',
      'eval@6',
    ]);
    const steps = records.filter((record): record is StepLog => record.type === 'step');
    // warmup W = ceil(0.2 · 6) = 2: lr(0) = 0, lr(1) = 0.005, lr(2) = peak
    expect(steps.map((step) => step.learningRate).slice(0, 3)).toEqual([0, 0.005, 0.01]);
    expect(steps[0]!.tokens).toBe(4 * seqLen);
    for (const step of steps) {
      expect(Number.isFinite(step.loss) && step.gradNorm > 0 && step.msPerStep >= 0).toBe(true);
      expect(step.slopes).toHaveLength(1);
    }
    const entropy = records.find((record) => record.type === 'entropy');
    expect(entropy).toMatchObject({ windows: 2, nanCounts: [0] });
    const evaluation = records.find((record) => record.type === 'eval');
    if (evaluation?.type !== 'eval') throw new Error('no eval log');
    expect(evaluation.perplexity).toBe(Math.exp(evaluation.loss));
    expect(evaluation.windows).toBe(8);
    // the first update runs at lr 0, so the first training loss equals the model's eval-free loss
    // trajectory start: losses go down over six steps at lr 1e-2
    expect(steps[5]!.loss).toBeLessThan(steps[0]!.loss);
    // each micro-batch got its own deterministic dropout seed, in training mode
    const trainingCalls = model.calls.filter((call) => call.training);
    expect(trainingCalls).toHaveLength(6);
    expect(new Set(trainingCalls.map((call) => call.dropoutSeed)).size).toBe(6);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('draws micro-batches batchAt(s·K + k) with gradient accumulation and logs tokens of the whole step', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const setup = fixtures({ steps: 2, gradientAccumulation: 3, evalEvery: 10, entropyEvery: 10 });
    const records = await collect(train(model, setup));
    expect(setup.trainSource.requestedSteps.filter((step) => step < 100)).toEqual([0, 1, 2, 3, 4, 5]);
    const last = records.filter((record): record is StepLog => record.type === 'step').at(-1)!;
    expect(last.tokens).toBe(2 * 3 * 4 * seqLen);
    model.dispose();
  });

  it('stops cleanly on a NaN loss: a diverged log naming the step, no update applied, nothing leaked', async () => {
    const before = tf.memory().numTensors;
    // loss call 1 = step 1, call 2 = step 2 (eval/entropy use forward or run after)
    const model = createFakeLanguageModel({ vocabSize, seqLen, nanLossFromCall: 3 });
    const setup = fixtures({ evalEvery: 100, entropyEvery: 100 });
    const generator = train(model, setup);
    const records: RunLogRecord[] = [];
    let result: IteratorResult<RunLogRecord, unknown>;
    while (!(result = await generator.next()).done) records.push(result.value);
    expect(records.map((record) => `${record.type}@${record.step}`)).toEqual([
      'entropy@0',
      'step@1',
      'step@2',
      'diverged@3',
    ]);
    const diverged = records.at(-1);
    expect(diverged).toMatchObject({ type: 'diverged', step: 3 });
    expect(diverged?.type === 'diverged' && diverged.reason).toMatch(/training loss is NaN at step 3/);
    expect(result.value).toMatchObject({ status: 'diverged', stepsCompleted: 2 });
    const weights = await model.parameters[0]!.variable.data();
    expect(Array.from(weights).every(Number.isFinite)).toBe(true);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops when the caller leaves the loop, with the tensor count back where it started', async () => {
    const before = tf.memory().numTensors;
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    let seen = 0;
    for await (const record of train(model, fixtures({ steps: 50 }))) {
      if (record.type === 'step') seen = record.step;
      if (seen === 2) break;
    }
    expect(seen).toBe(2);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the tensor count flat across 50 steps', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const counts: number[] = [];
    for await (const record of train(model, fixtures({ steps: 50, evalEvery: 10, entropyEvery: 10 }))) {
      if (record.type === 'step') counts.push(tf.memory().numTensors);
    }
    expect(counts).toHaveLength(50);
    // after step 1 the optimizer has created its moments; from then on the count must not move
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });

  it('runs each due probe right after the step log, probe by probe in the order given, before slopes and eval', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen, learnableSlope: true });
    const first = createFakeTrainingProbe({ name: 'first', every: 3, final: true });
    const second = createFakeTrainingProbe({
      name: 'second',
      every: 2,
      records: (step) => [{ type: 'slopes', step, slopes: [step] }],
    });
    const setup = fixtures({ steps: 4, evalEvery: 3, entropyEvery: 4 });
    const records = await collect(train(model, { ...setup, probes: [first, second] }));
    // 'entropy' comes from `first`, 'slopes' with value [step] from `second`, 'slopes' with the model's slope from the trainer
    const described = records.map(
      (record) =>
        `${record.type}@${record.step}${record.type === 'slopes' && record.slopes[0] === record.step ? '(second)' : ''}`,
    );
    expect(described).toEqual([
      'entropy@0',
      'slopes@0(second)',
      'slopes@0',
      'step@1',
      'step@2',
      'slopes@2(second)',
      'step@3',
      'entropy@3',
      'eval@3',
      'step@4',
      'entropy@4',
      'slopes@4(second)',
      'slopes@4',
      'eval@4',
    ]);
    expect(first.calls.map((call) => `${call.method}@${call.step}`)).toEqual(['measure@0', 'measure@3', 'measure@4']);
    expect(first.calls.every((call) => call.model === model)).toBe(true);
    model.dispose();
  });

  it('writes no probe records with no probes, and keeps the slope log at the entropyEvery cadence', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen, learnableSlope: true });
    const records = await collect(
      train(model, { ...fixtures({ steps: 3, evalEvery: 10, entropyEvery: 2 }), probes: [] }),
    );
    expect(records.map((record) => `${record.type}@${record.step}`)).toEqual([
      'slopes@0',
      'step@1',
      'step@2',
      'slopes@2',
      'step@3',
      'slopes@3',
      'eval@3',
    ]);
    model.dispose();
  });

  it('refuses a probe record for another step, naming the probe and both steps', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const late = createFakeTrainingProbe({
      name: 'late',
      every: 1,
      records: (step) => [{ type: 'slopes', step: step + 1, slopes: [0] }],
    });
    await expect(collect(train(model, { ...fixtures(), probes: [late] }))).rejects.toThrow(
      "train: probe 'late' returned a 'slopes' record for step 1 when measuring step 0",
    );
    model.dispose();
  });

  it('refuses two probes of the same name before training', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const probes = [
      createFakeTrainingProbe({ name: 'twin', every: 1 }),
      createFakeTrainingProbe({ name: 'twin', every: 2 }),
    ];
    await expect(collect(train(model, { ...fixtures(), probes }))).rejects.toThrow(
      "two training probes are named 'twin'",
    );
    expect(model.calls).toHaveLength(0);
    model.dispose();
  });

  it('rejects a trainSource whose batch size differs from microBatchSize', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const setup = fixtures();
    await expect(collect(train(model, { ...setup, options: { ...setup.options, microBatchSize: 5 } }))).rejects.toThrow(
      'trainSource.batchSize 4 differs from options.microBatchSize 5',
    );
    model.dispose();
  });
});
