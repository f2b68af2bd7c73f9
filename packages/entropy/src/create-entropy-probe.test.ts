import * as tf from '@tensorflow/tfjs-core';
import { defaultTrainingOptions, maxCausalEntropy, validateTrainingProbes, type Batch } from '@normfree/core';
import { createFakeEvalSet } from '@normfree/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createEntropyProbe, type EntropyProbeSchedule } from './create-entropy-probe.js';
import { measureAttentionEntropy } from './measure-attention-entropy.js';
import { createUniformAttentionModel } from './testing/index.js';

/** float32 sums of logs. */
const entropyTolerance = 1e-5;
const seqLen = 8;

afterEach(() => {
  tf.disposeVariables();
});

const schedule: EntropyProbeSchedule = {
  entropyEvery: 3,
  entropyBatchSize: 2,
  finalEntropyWindows: 3,
  fp16AttentionOverflow: false,
};
/** Three windows; the probe uses the first entropyBatchSize = 2 of them. */
const batch: Batch = {
  inputIds: Int32Array.from({ length: 3 * seqLen }, (_, index) => index % 8),
  batchSize: 3,
  seqLen,
};
const evalSet = createFakeEvalSet(
  Array.from({ length: 5 }, () => new Int32Array(seqLen)),
  seqLen,
);

describe('createEntropyProbe', () => {
  it('is a valid v1 training probe named entropy with a final measurement', () => {
    const probe = createEntropyProbe({ batch, evalSet, options: schedule });
    expect(probe).toMatchObject({ specificationVersion: 'v1', name: 'entropy' });
    expect(() => validateTrainingProbes([probe])).not.toThrow();
  });

  it('measures at step 0, every entropyEvery steps and at the last step (paper-reference §6.2)', () => {
    const probe = createEntropyProbe({ batch, evalSet, options: schedule });
    expect([0, 1, 2, 3, 4, 5, 6, 7].filter((step) => probe.shouldRun(step, 7))).toEqual([0, 3, 6, 7]);
  });

  it("logs the first entropyBatchSize windows of the fixed batch in eval mode: measureAttentionEntropy's numbers with type and step", async () => {
    const before = tf.memory().numTensors;
    const model = createUniformAttentionModel(2, 3);
    const records = await createEntropyProbe({ batch, evalSet, options: schedule }).measure(model, 6);
    expect(model.calls).toEqual([{ training: false, rows: 2 }]);
    const direct = await measureAttentionEntropy(model, [batch], { maxWindows: 2 });
    expect(records).toEqual([{ type: 'entropy', step: 6, ...direct }]);
    expect(records[0].windows).toBe(2);
    for (const row of records[0].perHead)
      for (const value of row) expect(Math.abs(value - maxCausalEntropy(seqLen))).toBeLessThanOrEqual(entropyTolerance);
    expect(records[0].nanCounts).toEqual([0, 0]); // NaN counts come with the entropy, from the same forward pass
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes the final matrix over the first finalEntropyWindows validation windows, in batches of entropyBatchSize', async () => {
    const before = tf.memory().numTensors;
    const model = createUniformAttentionModel(1, 2);
    const final = await createEntropyProbe({ batch, evalSet, options: schedule }).measureFinal(model, 9);
    expect(model.calls).toEqual([
      { training: false, rows: 2 },
      { training: false, rows: 1 },
    ]);
    expect(final).toMatchObject({ type: 'entropy', step: 9, windows: 3, nanCounts: [0] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes fp16 emulation to every forward pass only when the options ask for it', async () => {
    const emulated = createUniformAttentionModel(1, 1);
    const probe = createEntropyProbe({ batch, evalSet, options: { ...schedule, fp16AttentionOverflow: true } });
    await probe.measure(emulated, 0);
    await probe.measureFinal(emulated, 0);
    expect(emulated.calls.map((call) => call.fp16AttentionOverflow)).toEqual([true, true, true]);
    const plain = createUniformAttentionModel(1, 1);
    await createEntropyProbe({ batch, evalSet, options: schedule }).measure(plain, 0);
    expect(plain.calls[0]?.fp16AttentionOverflow).toBeUndefined();
  });

  it('keeps no model state, so one probe serves models of different shapes', async () => {
    const probe = createEntropyProbe({ batch, evalSet, options: schedule });
    const [small] = await probe.measure(createUniformAttentionModel(1, 2), 0);
    const [large] = await probe.measure(createUniformAttentionModel(3, 1), 0);
    expect(small.perHead.map((row) => row.length)).toEqual([2]);
    expect(large.perHead.map((row) => row.length)).toEqual([1, 1, 1]);
  });

  it('reads its cadence and window counts from the training options as given', () => {
    const probe = createEntropyProbe({ batch, evalSet, options: defaultTrainingOptions });
    expect([0, 50, 100, 150].filter((step) => probe.shouldRun(step, 1000))).toEqual([0, 100]);
  });

  it('rejects an empty batch and counts below 1, naming the field and the value', () => {
    expect(() =>
      createEntropyProbe({
        batch: { ...batch, batchSize: 0, inputIds: new Int32Array(0) },
        evalSet,
        options: schedule,
      }),
    ).toThrow('the entropy batch has 0 windows');
    expect(() => createEntropyProbe({ batch, evalSet, options: { ...schedule, entropyEvery: 0 } })).toThrow(
      'entropyEvery must be a positive integer, got 0',
    );
    expect(() => createEntropyProbe({ batch, evalSet, options: { ...schedule, finalEntropyWindows: 2.5 } })).toThrow(
      'finalEntropyWindows must be a positive integer, got 2.5',
    );
  });
});
