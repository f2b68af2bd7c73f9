/**
 * Parity with the authors' PyTorch model (transformer's fixtures/reference-tiny) on wasm with the
 * native kernels, the fused ones included (softmax cross-entropy, exact GELU, LayerNorm, causal
 * softmax and its backward, zero-copy Identity), with 2 threads: the loss and every parameter
 * gradient within the same tolerance as transformer's gpt2-parity test on plain cpu and wasm, and no
 * tensor left behind. Own file: registering native kernels changes this worker's wasm backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@normfree/backend';
import { loadAddon, registerNativeKernels, unregisterNativeKernels } from '@normfree/backend-native';
import { hasFusedKernel } from '@normfree/core/tfjs';
import { createModel } from '@normfree/transformer';
import { flatValues, loadReferenceFixture, referenceConfigurationNames, referenceTolerance } from '@normfree/transformer/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const addon = loadAddon().addon;

/** Worst |actual − expected| against referenceTolerance.relative · max|expected| + referenceTolerance.absolute. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let scale = 0;
  let error = 0;
  for (let index = 0; index < expected.length; index++) {
    scale = Math.max(scale, Math.abs(expected[index]!));
    const difference = Math.abs(actual[index]! - expected[index]!);
    error = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : Math.max(error, difference);
  }
  const allowed = referenceTolerance.relative * scale + referenceTolerance.absolute;
  expect(error, `${what}: worst |Δ| ${error} > allowed ${allowed}`).toBeLessThanOrEqual(allowed);
}

describe.skipIf(addon === null)('GPT-2 parity with the authors\' model on wasm with native fused kernels', () => {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await selectBackend({ prefer: 'wasm', strict: true, quiet: true });
    registerNativeKernels({ backend: 'wasm', threads: 2, log: null });
  });
  afterAll(async () => {
    unregisterNativeKernels();
    await tf.setBackend(previous);
  });

  it('has the fused kernels registered', () => {
    for (const kernel of ['softmaxCrossEntropy', 'geluErf', 'layerNorm', 'causalSoftmax', 'softmaxGrad'] as const) expect(hasFusedKernel(kernel), kernel).toBe(true);
  });

  for (const name of referenceConfigurationNames) {
    for (const stage of ['init', 'trained'] as const) {
      it(`matches ${name} (${stage}): loss, attention and every gradient within the reference tolerance`, () => {
        const fixture = loadReferenceFixture(name, stage);
        const { outputs } = fixture;
        const model = createModel(fixture.config, { seed: 0 });
        model.loadStateDict(fixture.stateDict);
        for (const tensor of fixture.stateDict.values()) tensor.dispose();
        const before = tf.memory().numTensors;
        const ids = tf.tensor2d(outputs.input_ids, undefined, 'int32');
        const probabilities: Float32Array[] = [];
        const logits = model.forward(ids, { training: false, observer: { onAttention: (layer, probs) => { probabilities[layer] = probs.dataSync() as Float32Array; } } });
        expectClose(logits.dataSync(), flatValues(outputs.logits), 'logits');
        outputs.attention_probs.forEach((expected, layer) => expectClose(probabilities[layer]!, flatValues(expected), `attention layer ${layer}`));
        const variables = model.parameters.map((parameter) => parameter.variable);
        const { value, grads } = tf.variableGrads(() => model.loss(ids, { training: false }), variables);
        expectClose(value.dataSync(), [outputs.loss], 'loss');
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
