/**
 * End to end with the real model (`@normfree/transformer`) at the `smoke` preset's size: training
 * lowers the loss on cpu and wasm, the tensor count stays flat, and a run stopped after 3 steps,
 * checkpointed and resumed in a fresh model matches an uninterrupted 6-step run (dropout on).
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@normfree/backend';
import {
  getPreset,
  resolveModelConfig,
  type Batch,
  type EntropyLog,
  type LanguageModel,
  type RunLogRecord,
  type StepLog,
  type TrainingOptions,
} from '@normfree/core';
import { createFakeBatchSource, createFakeEvalSet } from '@normfree/core/testing';
import { createEntropyProbe } from '@normfree/entropy';
import { createModel } from '@normfree/transformer';
import { loadReferenceFixture, referenceConfigurationNames } from '@normfree/transformer/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { adamWOptionsFrom, createAdamW } from './adamw.js';
import { decodeCheckpoint, encodeCheckpoint, loadModelTensors } from './checkpoint.js';
import { train } from './train.js';

/** The fixture README's agreement for entropy (float32 vs the reference: ≈1e-5 relative). */
const entropyTolerance = 1e-5;

/**
 * Resume repeats the same float32 ops on bit-identical weights, moments, batches and dropout masks,
 * so the losses should be equal; 1e-6 relative leaves room only for reduction-order noise.
 */
const resumeTolerance = 1e-6;

const smoke = getPreset('smoke');
const vocabSize = 64;
const seqLen = smoke.model.blockSize;
const config = resolveModelConfig({ ...smoke.model, vocabSize, norm: 'none', activation: { kind: 'relu' } });

afterEach(() => {
  tf.disposeVariables();
});

const setup = (overrides: Partial<TrainingOptions> = {}) => {
  const options: TrainingOptions = { ...smoke.training, learningRate: 1e-2, seed: 3, ...overrides };
  // a tiny repetitive corpus (16 windows), so a model this small can learn it in a few dozen steps
  const trainSource = createFakeBatchSource({
    batchSize: options.microBatchSize,
    seqLen,
    vocabSize: 8,
    numWindows: 16,
    seed: 5,
  });
  const evalSet = createFakeEvalSet(
    Array.from({ length: 8 }, (_, index) => trainSource.batchAt(index).inputIds.subarray(0, seqLen)),
    seqLen,
  );
  return {
    options,
    trainSource,
    evalSet,
    probes: [createEntropyProbe({ batch: trainSource.batchAt(0), evalSet, options })],
  };
};

const stepLosses = (records: readonly RunLogRecord[]): number[] =>
  records.flatMap((record) => (record.type === 'step' ? [record.loss] : []));

const collect = async (generator: AsyncGenerator<RunLogRecord, unknown>): Promise<RunLogRecord[]> => {
  const records: RunLogRecord[] = [];
  for await (const record of generator) records.push(record);
  return records;
};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`train with the smoke-sized transformer on ${backend}`, () => {
    it('lowers the training and evaluation loss in 50 steps and keeps the tensor count flat', async () => {
      if (backend === 'wasm') await selectBackend({ prefer: 'wasm', strict: true, quiet: true });
      try {
        const before = tf.memory().numTensors;
        const model = createModel(config, { seed: 1 });
        const counts: number[] = [];
        const records: RunLogRecord[] = [];
        for await (const record of train(model, setup({ steps: 50, evalEvery: 25, entropyEvery: 25 }))) {
          records.push(record);
          if (record.type === 'step') counts.push(tf.memory().numTensors);
        }
        const losses = stepLosses(records);
        expect(losses).toHaveLength(50);
        // initial loss ≈ ln 64 = 4.16; the mean of the last 5 steps must be clearly lower
        expect(Math.abs(losses[0]! - Math.log(vocabSize))).toBeLessThan(0.2);
        expect(losses.slice(-5).reduce((a, b) => a + b, 0) / 5).toBeLessThan(losses[0]! - 0.5);
        const evals = records.filter((record) => record.type === 'eval');
        expect(evals.map((record) => record.step)).toEqual([25, 50]);
        if (evals[0]?.type === 'eval' && evals[1]?.type === 'eval') expect(evals[1].loss).toBeLessThan(evals[0].loss);
        const entropy = records.filter((record) => record.type === 'entropy');
        expect(entropy.map((record) => record.step)).toEqual([0, 25, 50]);
        if (entropy[0]?.type === 'entropy') {
          expect(entropy[0].perHead).toHaveLength(config.nLayer);
          expect(entropy[0].perHead[0]).toHaveLength(config.nHead);
        }
        expect(new Set(counts.slice(1)).size).toBe(1);
        model.dispose();
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        if (backend === 'wasm') await tf.setBackend('cpu');
      }
    });
  });
}

describe('resume with the transformer', () => {
  it('3 steps + checkpoint + load into a fresh model + 3 steps gives the losses of 6 uninterrupted steps', async () => {
    const before = tf.memory().numTensors;
    const options = { steps: 6, evalEvery: 3, entropyEvery: 3, gradientAccumulation: 2 };
    const straightModel = createModel(config, { seed: 1 });
    const straight = await collect(train(straightModel, setup(options)));
    straightModel.dispose();

    const firstModel = createModel(config, { seed: 1 });
    const firstOptimizer = createAdamW(firstModel.parameters, adamWOptionsFrom(setup(options).options));
    const controller = new AbortController();
    const first: RunLogRecord[] = [];
    for await (const record of train(firstModel, {
      ...setup(options),
      optimizer: firstOptimizer,
      signal: controller.signal,
    })) {
      first.push(record);
      if (record.type === 'step' && record.step === 3) controller.abort();
    }
    const bytes = await encodeCheckpoint({ model: firstModel, optimizer: firstOptimizer, step: 3 });
    firstOptimizer.dispose();
    firstModel.dispose();

    const checkpoint = decodeCheckpoint(bytes);
    const secondModel = createModel(config, { seed: 999 });
    loadModelTensors(secondModel, checkpoint.modelTensors);
    const second = await collect(
      train(secondModel, { ...setup(options), startStep: checkpoint.step, optimizerState: checkpoint.optimizer! }),
    );
    secondModel.dispose();

    const expected = stepLosses(straight);
    const actual = [...stepLosses(first), ...stepLosses(second)];
    expect(actual).toHaveLength(6);
    actual.forEach((loss, index) =>
      expect(Math.abs(loss - expected[index]!), `step ${index + 1}`).toBeLessThanOrEqual(
        resumeTolerance * expected[index]!,
      ),
    );
    const lastEval = (records: RunLogRecord[]) =>
      records.filter((record) => record.type === 'eval').at(-1) as { loss: number };
    expect(Math.abs(lastEval(second).loss - lastEval(straight).loss)).toBeLessThanOrEqual(
      resumeTolerance * lastEval(straight).loss,
    );
    // dropout was on (training mode, p 0.1): the learning rates and losses of steps 4-6 came from the resumed run
    expect((second.find((record) => record.type === 'step') as StepLog).step).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The entropy probe's periodic record of `batch` at `step`: what `train` writes to the log there. */
async function entropyLogAt(
  model: LanguageModel,
  batch: Batch,
  step: number,
  options: TrainingOptions,
): Promise<EntropyLog> {
  const [log] = await createEntropyProbe({ batch, evalSet: createFakeEvalSet([], batch.seqLen), options }).measure(
    model,
    step,
  );
  return log;
}

describe('the entropy probe with the transformer', () => {
  it('reproduces the reference entropy_per_head and entropy_per_layer of every trained fixture (non-uniform attention)', async () => {
    for (const name of referenceConfigurationNames) {
      const { config: fixtureConfig, stateDict, outputs } = loadReferenceFixture(name, 'trained');
      const model = createModel(fixtureConfig, { seed: 0 });
      model.loadStateDict(stateDict);
      tf.dispose([...stateDict.values()]);
      const before = tf.memory().numTensors;
      const batch = { inputIds: Int32Array.from(outputs.input_ids.flat()), batchSize: 3, seqLen: 8 };
      const log = await entropyLogAt(model, batch, 7, { ...smoke.training, entropyBatchSize: 3 });
      expect(log).toMatchObject({ type: 'entropy', step: 7, windows: 3, nanCounts: [0, 0] });
      log.perHead.forEach((row, layer) =>
        row.forEach((value, head) =>
          expect(
            Math.abs(value - outputs.entropy_per_head[layer]![head]!),
            `${name} L${layer} H${head}`,
          ).toBeLessThanOrEqual(entropyTolerance * outputs.entropy_per_head[layer]![head]!),
        ),
      );
      log.perLayer.forEach((value, layer) =>
        expect(Math.abs(value - outputs.entropy_per_layer[layer]!)).toBeLessThanOrEqual(
          entropyTolerance * outputs.entropy_per_layer[layer]!,
        ),
      );
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
  });

  it('counts fp16 overflows always and NaNs only under fp16 emulation (paper-reference §7) when the logits are huge', async () => {
    const { config: fixtureConfig, stateDict, outputs } = loadReferenceFixture('free_relu', 'init');
    const model = createModel(fixtureConfig, { seed: 0 });
    // blow up the residual stream and the Q/K projections so q·k/√hs passes 65504
    const scaled = new Map(
      [...stateDict].map(([name, tensor]) => [
        name,
        name.endsWith('wte.weight') || name === 'lm_head.weight'
          ? tf.mul(tensor, 1e4)
          : name.endsWith('qk_attn.weight')
            ? tf.mul(tensor, 1e2)
            : tensor.clone(),
      ]),
    );
    model.loadStateDict(scaled);
    tf.dispose([...stateDict.values(), ...scaled.values()]);
    const before = tf.memory().numTensors;
    const batch = { inputIds: Int32Array.from(outputs.input_ids.flat()), batchSize: 3, seqLen: 8 };
    const plain = await entropyLogAt(model, batch, 1, {
      ...smoke.training,
      entropyBatchSize: 3,
      fp16AttentionOverflow: false,
    });
    const emulated = await entropyLogAt(model, batch, 1, {
      ...smoke.training,
      entropyBatchSize: 3,
      fp16AttentionOverflow: true,
    });
    expect(plain.fp16Overflows![0]!).toBeGreaterThan(0);
    expect(plain.nanCounts).toEqual([0, 0]);
    expect(emulated.nanCounts[0]!).toBeGreaterThan(0);
    expect(emulated.perLayer.every(Number.isFinite)).toBe(true); // nansum: NaN rows count as 0, never NaN
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
