/**
 * Parity with the authors' PyTorch model (fixtures/reference-tiny, produced by their
 * `convertGPT2model`): logits, loss, attention probabilities and every parameter gradient, for the
 * six configurations at initialisation and after training, on the cpu and wasm backends.
 */
import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compareWithReference, referenceConfigurationNames, type ReferenceStage } from './testing/index.js';

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
        it(`matches ${name} (${stage}): logits, loss, attention and all gradients within 1e-5 relative`, async () => {
          const { comparisons, gradientNames, leakedTensors } = await compareWithReference(name, stage);
          expect(gradientNames.fixture).toEqual(gradientNames.model);
          for (const { what, error, allowed } of comparisons)
            expect(error, `${what}: worst |Δ| ${error} > allowed ${allowed}`).toBeLessThanOrEqual(allowed);
          expect(leakedTensors).toBe(0);
        });
      }
    }
  });
}
