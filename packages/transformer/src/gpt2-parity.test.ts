/**
 * Parity with the authors' PyTorch model (fixtures/reference-tiny, produced by their
 * `convertGPT2model`): logits, loss, attention probabilities and every parameter gradient, for the
 * six configurations at initialisation and after training, on the cpu and wasm backends.
 */
import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createModel } from './create-model.js';
import { flatValues, loadReferenceFixture, referenceConfigurationNames, referenceTolerance, type ReferenceStage } from './testing/index.js';

/** The tolerance (see {@link referenceTolerance}); gpt2-parity.webgpu.test.ts uses the same. */
const RELATIVE = referenceTolerance.relative;
const ABSOLUTE = referenceTolerance.absolute;

function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>): { error: number; allowed: number } {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  for (let index = 0; index < expected.length; index++) scale = Math.max(scale, Math.abs(expected[index]!));
  let error = 0;
  for (let index = 0; index < expected.length; index++) {
    const difference = Math.abs(actual[index]! - expected[index]!);
    error = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : Math.max(error, difference);
  }
  return { error, allowed: RELATIVE * scale + ABSOLUTE };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const { error, allowed } = worstError(actual, expected);
  expect(error, `${what}: worst |Δ| ${error} > allowed ${allowed}`).toBeLessThanOrEqual(allowed);
}

const stages: ReferenceStage[] = ['init', 'trained'];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`GPT-2 parity with the authors' PyTorch model on ${backend}`, () => {
    beforeAll(async () => {
      await selectBackend({ prefer: backend, strict: true, quiet: true });
    });
    afterAll(async () => {
      await tf.setBackend('cpu');
    });
    afterEach(() => {
      tf.disposeVariables();
    });

    for (const name of referenceConfigurationNames) {
      for (const stage of stages) {
        it(`matches ${name} (${stage}): logits, loss, attention and all gradients within 1e-5 relative`, () => {
          const fixture = loadReferenceFixture(name, stage);
          const { outputs } = fixture;
          const model = createModel(fixture.config, { seed: 0 });
          model.loadStateDict(fixture.stateDict);
          for (const tensor of fixture.stateDict.values()) tensor.dispose();
          const before = tf.memory().numTensors;
          const ids = tf.tensor2d(outputs.input_ids, undefined, 'int32');
          const probabilities: Float32Array[] = [];
          const logits = model.forward(ids, {
            training: false,
            observer: { onAttention: (layer, probs) => { probabilities[layer] = probs.dataSync() as Float32Array; } },
          });
          expectClose(logits.dataSync(), flatValues(outputs.logits), 'logits');
          outputs.attention_probs.forEach((expected, layer) => expectClose(probabilities[layer]!, flatValues(expected), `attention layer ${layer}`));
          const variables = model.parameters.map((parameter) => parameter.variable);
          const { value, grads } = tf.variableGrads(() => model.loss(ids, { training: false }), variables);
          // same rule as tensors; the trained loss (≈0.005) is a log-sum-exp near 0, where float32 rounding is absolute (≈1e-7)
          expectClose(value.dataSync(), [outputs.loss], 'loss');
          expect(Object.keys(outputs.gradients).sort()).toEqual(model.parameters.map((parameter) => parameter.name).sort());
          for (const parameter of model.parameters) {
            expectClose(grads[parameter.variable.name]!.dataSync(), flatValues(outputs.gradients[parameter.name]!), `d loss / d ${parameter.name}`);
          }
          tf.dispose([logits, ids, value, ...Object.values(grads)]);
          expect(tf.memory().numTensors).toBe(before);
          model.dispose();
        });
      }
    }
  });
}
