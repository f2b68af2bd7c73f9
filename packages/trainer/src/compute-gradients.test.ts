import * as tf from '@tensorflow/tfjs-core';
import { createFakeBatchSource } from '@normfree/core/testing';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeaksPerTest } from './__fixtures__/no-tensor-leaks.js';
import { computeGradients } from './compute-gradients.js';
import { createFakeLanguageModel } from './testing/index.js';

/**
 * Accumulation sums (loss_k / K) gradients; the big batch averages over K·B rows at once. The two
 * differ only in float32 summation order: 1e-6 relative to the largest gradient entry.
 */
const accumulationTolerance = 1e-6;

expectNoTensorLeaksPerTest();

describe('computeGradients', () => {
  it('gives the same loss and gradients for 3 micro-batches of 2 as for one batch of 6 (eval mode)', () => {
    const model = createFakeLanguageModel({ vocabSize: 12, seqLen: 6 });
    const source = createFakeBatchSource({ batchSize: 2, seqLen: 6, vocabSize: 12, seed: 4 });
    const micro = [0, 1, 2].map((step) => source.batchAt(step));
    const big = {
      inputIds: Int32Array.from(micro.flatMap((batch) => Array.from(batch.inputIds))),
      batchSize: 6,
      seqLen: 6,
    };
    const before = tf.memory().numTensors;
    const accumulated = computeGradients(model, micro, { training: false });
    const whole = computeGradients(model, [big], { training: false });
    expect(Math.abs(accumulated.loss.dataSync()[0]! - whole.loss.dataSync()[0]!)).toBeLessThanOrEqual(
      accumulationTolerance * whole.loss.dataSync()[0]!,
    );
    expect([...accumulated.gradients.keys()]).toEqual(model.parameters.map((parameter) => parameter.name));
    for (const [name, gradient] of whole.gradients) {
      const expected = gradient.dataSync();
      const actual = accumulated.gradients.get(name)!.dataSync();
      const scale = Math.max(...Array.from(expected, Math.abs));
      expected.forEach((value, index) =>
        expect(Math.abs(actual[index]! - value), name).toBeLessThanOrEqual(accumulationTolerance * scale),
      );
    }
    tf.dispose([accumulated.loss, whole.loss, ...accumulated.gradients.values(), ...whole.gradients.values()]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('passes one dropout seed per micro-batch in training mode and rejects a seed count mismatch', () => {
    const model = createFakeLanguageModel({ vocabSize: 12, seqLen: 6 });
    const source = createFakeBatchSource({ batchSize: 2, seqLen: 6, vocabSize: 12 });
    const result = computeGradients(model, [source.batchAt(0), source.batchAt(1)], {
      training: true,
      dropoutSeeds: [5, 6],
    });
    expect(model.calls.map((call) => [call.training, call.dropoutSeed])).toEqual([
      [true, 5],
      [true, 6],
    ]);
    tf.dispose([result.loss, ...result.gradients.values()]);
    expect(() => computeGradients(model, [source.batchAt(0)], { training: true, dropoutSeeds: [1, 2] })).toThrow(
      '2 dropout seeds for 1 micro-batches',
    );
    expect(() => computeGradients(model, [], { training: false })).toThrow('needs at least one micro-batch, got 0');
    model.dispose();
  });
});
