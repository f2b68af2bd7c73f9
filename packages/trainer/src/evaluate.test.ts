import * as tf from '@tensorflow/tfjs-core';
import { createFakeEvalSet } from '@normfree/core/testing';
import { createRandom } from '@normfree/core';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeaksPerTest } from './__fixtures__/no-tensor-leaks.js';
import { evaluate } from './evaluate.js';
import { batchTensor } from './compute-gradients.js';
import { createFakeLanguageModel } from './testing/index.js';

/** Means of float32 losses over a few windows. */
const lossTolerance = 1e-6;

expectNoTensorLeaksPerTest();

describe('evaluate', () => {
  it('gives the token-mean loss over all windows (batches of unequal size weighted by rows) and perplexity = exp(loss)', async () => {
    const model = createFakeLanguageModel({ vocabSize: 10, seqLen: 5 });
    const random = createRandom(3);
    const windows = Array.from({ length: 5 }, () => Int32Array.from({ length: 5 }, () => random.nextInt(10)));
    const before = tf.memory().numTensors;
    const result = await evaluate(model, createFakeEvalSet(windows, 5), { batchSize: 2 }); // batches of 2, 2, 1
    const whole = tf.tidy(() =>
      model.loss(
        batchTensor({
          inputIds: Int32Array.from(windows.flatMap((window) => Array.from(window))),
          batchSize: 5,
          seqLen: 5,
        }),
        { training: false },
      ),
    );
    expect(Math.abs(result.loss - whole.dataSync()[0]!)).toBeLessThanOrEqual(lossTolerance);
    expect(result.perplexity).toBe(Math.exp(result.loss));
    expect(result.windows).toBe(5);
    expect(model.calls.every((call) => !call.training)).toBe(true);
    whole.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const capped = await evaluate(model, createFakeEvalSet(windows, 5), { batchSize: 2, maxWindows: 3 });
    expect(capped.windows).toBe(3);
    model.dispose();
  });

  it('rejects a bad batch size and an empty set', async () => {
    const model = createFakeLanguageModel({ vocabSize: 10, seqLen: 5 });
    await expect(evaluate(model, createFakeEvalSet([], 5), { batchSize: 0 })).rejects.toThrow(
      'batchSize must be a positive integer, got 0',
    );
    await expect(evaluate(model, createFakeEvalSet([], 5), { batchSize: 2 })).rejects.toThrow('gave no windows');
    model.dispose();
  });
});
