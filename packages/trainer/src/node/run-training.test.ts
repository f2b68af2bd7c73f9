import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { defaultTrainingOptions, type RunLogRecord, type TrainingOptions } from '@normfree/core';
import { createFakeBatchSource, createFakeEvalSet, createFakeTrainingProbe } from '@normfree/core/testing';
import { createEntropyProbe } from '@normfree/entropy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectNoTensorLeaksPerTest } from '../__fixtures__/no-tensor-leaks.js';
import { createFakeLanguageModel } from '../testing/index.js';
import { runFileNames } from '../run-files.js';
import { readRunDirectory } from './read-run-directory.js';
import { runTraining } from './run-training.js';

/**
 * Resume tolerance: the resumed run executes the same float32 ops on the same values (weights and
 * moments round-trip exactly through safetensors), so losses should agree to the last bit; 1e-6
 * relative leaves room for nothing but reduction-order noise.
 */
const resumeTolerance = 1e-6;

const vocabSize = 16;
const seqLen = 8;
let root = '';

expectNoTensorLeaksPerTest();

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'normfree-run-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const setup = (overrides: Partial<TrainingOptions> = {}) => {
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
    seed: 11,
    ...overrides,
  };
  const trainSource = createFakeBatchSource({ batchSize: options.microBatchSize, seqLen, vocabSize, seed: 3 });
  const evalSet = createFakeEvalSet(
    Array.from({ length: 8 }, (_, index) => trainSource.batchAt(100 + index).inputIds.subarray(0, seqLen)),
    seqLen,
  );
  const probes = [createEntropyProbe({ batch: trainSource.batchAt(200), evalSet, options })];
  return { options, trainSource, evalSet, probes, configuration: { id: 'sm-g', label: 'SM+G' }, backend: 'cpu' };
};

const stepLosses = (records: readonly RunLogRecord[]): number[] =>
  records.flatMap((record) => (record.type === 'step' ? [record.loss] : []));

describe('runTraining', () => {
  it('writes config, logs, summary, final entropy and checkpoint atomically, and reads them back', async () => {
    const before = tf.memory().numTensors;
    const dir = join(root, 'sm-g-seed11');
    const model = createFakeLanguageModel({ vocabSize, seqLen, learnableSlope: true });
    const seen: RunLogRecord[] = [];
    const summary = await runTraining({ ...setup(), dir, model, onLog: (record) => void seen.push(record) });
    expect(summary).toMatchObject({
      status: 'completed',
      stepsCompleted: 6,
      configuration: 'sm-g',
      label: 'SM+G',
      seed: 11,
      backend: 'cpu',
      tokensSeen: 6 * 4 * seqLen,
    });
    expect(summary.finalEntropy?.windows).toBe(4);
    expect(summary.finalEval?.step).toBe(6);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([...Object.values(runFileNames)].sort()); // no temp files left behind
    const data = await readRunDirectory(dir);
    expect(data.summary).toEqual(summary);
    expect(data.steps.map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(data.evals.map((evaluation) => evaluation.step)).toEqual([3, 6]);
    expect(data.entropy.map((entropy) => entropy.step)).toEqual([0, 2, 4, 6]);
    expect(data.slopes).toHaveLength(4);
    expect(seen).toHaveLength(data.steps.length + data.evals.length + data.entropy.length + data.slopes.length);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes exactly: 3 steps + checkpoint + a fresh model for 3 more equals 6 uninterrupted steps', async () => {
    const straight = createFakeLanguageModel({ vocabSize, seqLen, seed: 5 });
    await runTraining({ ...setup(), dir: join(root, 'straight'), model: straight });
    const reference = await readRunDirectory(join(root, 'straight'));
    straight.dispose();

    // first half: stop after step 3 (abort once its step log arrives)
    const dir = join(root, 'resumed');
    const controller = new AbortController();
    const first = createFakeLanguageModel({ vocabSize, seqLen, seed: 5 });
    const stopped = await runTraining({
      ...setup(),
      dir,
      model: first,
      signal: controller.signal,
      onLog: (record) => {
        if (record.type === 'step' && record.step === 3) controller.abort();
      },
    });
    expect(stopped).toMatchObject({ status: 'stopped', stepsCompleted: 3 });
    first.dispose();

    // second half: a fresh model with a different init, resumed from the checkpoint
    const second = createFakeLanguageModel({ vocabSize, seqLen, seed: 99 });
    const finished = await runTraining({ ...setup(), dir, model: second, resume: true });
    expect(finished.status).toBe('completed');
    const resumed = await readRunDirectory(dir);
    const expected = stepLosses(reference.steps);
    const actual = stepLosses(resumed.steps);
    expect(actual).toHaveLength(6);
    actual.forEach((loss, index) =>
      expect(Math.abs(loss - expected[index]!)).toBeLessThanOrEqual(resumeTolerance * Math.abs(expected[index]!)),
    );
    expect(Math.abs(resumed.summary.finalEval!.loss - reference.summary.finalEval!.loss)).toBeLessThanOrEqual(
      resumeTolerance * reference.summary.finalEval!.loss,
    );
    expect(resumed.evals.map((evaluation) => evaluation.step)).toEqual([3, 6]);
    second.dispose();
  });

  it('after a crash past the last checkpoint, resume drops the later log lines and repeats those steps exactly', async () => {
    const straight = createFakeLanguageModel({ vocabSize, seqLen, seed: 5 });
    await runTraining({ ...setup({ checkpointEvery: 2 }), dir: join(root, 'straight'), model: straight });
    const reference = await readRunDirectory(join(root, 'straight'));
    straight.dispose();

    const dir = join(root, 'crashed');
    const crashing = createFakeLanguageModel({ vocabSize, seqLen, seed: 5 });
    const crash = runTraining({
      ...setup({ checkpointEvery: 2 }),
      dir,
      model: crashing,
      onLog: (record) => {
        if (record.type === 'step' && record.step === 3) throw new Error('simulated crash at step 3');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash at step 3');
    crashing.dispose();
    const crashed = await readRunDirectory(dir);
    expect(crashed.summary.status).toBe('stopped');
    expect(crashed.steps.map((step) => step.step)).toEqual([1, 2, 3]); // step 3 was logged, checkpoint is at 2
    // a write cut short by the crash: a partial last line
    await writeFile(
      join(dir, runFileNames.logs),
      `${await readFile(join(dir, runFileNames.logs), 'utf8')}{"type":"eval","st`,
    );

    const resumedModel = createFakeLanguageModel({ vocabSize, seqLen, seed: 42 });
    const summary = await runTraining({ ...setup({ checkpointEvery: 2 }), dir, model: resumedModel, resume: true });
    resumedModel.dispose();
    expect(summary.status).toBe('completed');
    const resumed = await readRunDirectory(dir);
    expect(resumed.steps.map((step) => step.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const expected = stepLosses(reference.steps);
    stepLosses(resumed.steps).forEach((loss, index) =>
      expect(Math.abs(loss - expected[index]!)).toBeLessThanOrEqual(resumeTolerance * Math.abs(expected[index]!)),
    );
    expect(resumed.entropy.map((entropy) => entropy.step)).toEqual([0, 2, 4, 6]);
  });

  it('refuses to resume a folder whose config differs, naming the field', async () => {
    const dir = join(root, 'run');
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    await runTraining({ ...setup({ steps: 2 }), dir, model });
    await expect(runTraining({ ...setup({ steps: 4 }), dir, model, resume: true })).rejects.toThrow(
      /training\.steps: 2 ≠ 4/,
    );
    await expect(runTraining({ ...setup({ steps: 2 }), dir, model })).rejects.toThrow(
      /already holds a run .*resume: true/,
    );
    const finished = await readRunDirectory(dir);
    // resuming a completed run returns it untouched
    expect(await runTraining({ ...setup({ steps: 2 }), dir, model, resume: true })).toEqual(finished.summary);
    model.dispose();
  });

  it('marks a diverged run, keeps its logs and a finite checkpoint', async () => {
    const dir = join(root, 'diverged');
    const model = createFakeLanguageModel({ vocabSize, seqLen, nanLossFromCall: 4 });
    const summary = await runTraining({ ...setup(), dir, model });
    expect(summary).toMatchObject({ status: 'diverged', stepsCompleted: 3, diverged: { step: 4 } });
    const data = await readRunDirectory(dir);
    expect(data.steps.map((step) => step.step)).toEqual([1, 2, 3]);
    expect(data.evals.map((evaluation) => evaluation.step)).toEqual([3]);
    const logText = await readFile(join(dir, runFileNames.logs), 'utf8');
    expect(logText).toMatch(/"type":"diverged","step":4,"reason":"training loss is NaN at step 4/);
    model.dispose();
  });

  it('takes the final measurement once, after the last step, and writes it as final-entropy.json and summary.finalEntropy', async () => {
    const dir = join(root, 'final');
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const probe = createFakeTrainingProbe({ name: 'fake-entropy', every: 2, final: true });
    const summary = await runTraining({ ...setup(), dir, model, probes: [probe] });
    expect(probe.calls.map((call) => `${call.method}@${call.step}`)).toEqual([
      'measure@0',
      'measure@2',
      'measure@4',
      'measure@6',
      'measureFinal@6',
    ]);
    expect(summary.finalEntropy).toMatchObject({ type: 'entropy', step: 6, windows: 0 });
    expect(JSON.parse(await readFile(join(dir, runFileNames.finalEntropy), 'utf8'))).toEqual(summary.finalEntropy);
    model.dispose();
  });

  it('writes no final-entropy.json without a final measurement, and takes none for a diverged run', async () => {
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const summary = await runTraining({ ...setup({ steps: 2 }), dir: join(root, 'no-final'), model, probes: [] });
    expect(summary.status).toBe('completed');
    expect(summary.finalEntropy).toBeUndefined();
    expect((await readdir(join(root, 'no-final'))).sort()).toEqual(
      [runFileNames.checkpoint, runFileNames.config, runFileNames.logs, runFileNames.summary].sort(),
    );
    const diverging = createFakeLanguageModel({ vocabSize, seqLen, nanLossFromCall: 2 });
    const probe = createFakeTrainingProbe({ name: 'fake-entropy', every: 1, final: true });
    expect(
      await runTraining({ ...setup(), dir: join(root, 'diverged-final'), model: diverging, probes: [probe] }),
    ).toMatchObject({ status: 'diverged' });
    expect(probe.calls.filter((call) => call.method === 'measureFinal')).toHaveLength(0);
    model.dispose();
    diverging.dispose();
  });

  it('refuses two probes with final measurements before touching the folder', async () => {
    const dir = join(root, 'two-finals');
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    const probes = [
      createFakeTrainingProbe({ name: 'a', every: 1, final: true }),
      createFakeTrainingProbe({ name: 'b', every: 1, final: true }),
    ];
    await expect(runTraining({ ...setup(), dir, model, probes })).rejects.toThrow(
      "training probes 'a' and 'b' both take a final measurement",
    );
    await expect(readdir(dir)).rejects.toThrow(/ENOENT/);
    model.dispose();
  });

  it('reports a damaged log line by file and line number', async () => {
    const dir = join(root, 'damaged');
    const model = createFakeLanguageModel({ vocabSize, seqLen });
    await runTraining({ ...setup({ steps: 2 }), dir, model });
    const logs = join(dir, runFileNames.logs);
    const lines = (await readFile(logs, 'utf8')).split('\n');
    lines[1] = '{"type":"step","st';
    await writeFile(logs, lines.join('\n'));
    await expect(readRunDirectory(dir)).rejects.toThrow(`${logs}:2: damaged line`);
    await expect(readRunDirectory(join(root, 'nothing-here'))).rejects.toThrow(/summary\.json: missing/);
    model.dispose();
  });
});
