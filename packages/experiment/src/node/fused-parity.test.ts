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
import { definedFields } from '@normfree/core';
import { hasFusedKernel } from '@normfree/core/tfjs';
import { headCrossEntropy } from '@normfree/transformer';
import { compareValues, compareWithReference, referenceConfigurationNames } from '@normfree/transformer/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const addon = loadAddon().addon;

describe.skipIf(addon === null)("GPT-2 parity with the authors' model on wasm with native fused kernels", () => {
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
  afterEach(() => {
    tf.disposeVariables();
  });

  it('has the fused kernels registered', () => {
    for (const kernel of [
      'softmaxCrossEntropy',
      'geluErf',
      'layerNorm',
      'causalSoftmax',
      'softmaxGrad',
      'adamW',
    ] as const)
      expect(hasFusedKernel(kernel), kernel).toBe(true);
  });

  it('gives the same loss and gradients from the fused cross-entropy in row chunks as in one chunk', () => {
    const before = tf.memory().numTensors;
    tf.engine().startScope();
    const states = tf.randomNormal([37, 16], 0, 1, 'float32', 1) as tf.Tensor2D;
    const weight = tf.randomNormal([101, 16], 0, 0.3, 'float32', 2) as tf.Tensor2D;
    const labels = tf.randomUniform([37], 0, 101, 'int32', 3) as tf.Tensor1D;
    const lossAndGradients = (rowsPerChunk: number | undefined): tf.Tensor[] => {
      const loss = (s: tf.Tensor, w: tf.Tensor): tf.Scalar =>
        headCrossEntropy(s as tf.Tensor2D, w as tf.Tensor2D, labels, definedFields({ rowsPerChunk }));
      return [loss(states, weight), ...tf.grads(loss)([states, weight])];
    };
    const [whole, chunked] = [lossAndGradients(undefined), lossAndGradients(8)]; // one chunk; 5 chunks of ≤ 8 rows
    const comparisons = ['loss', 'd states', 'd weight'].map((what, index) =>
      compareValues(what, chunked[index]!.dataSync(), whole[index]!.dataSync()),
    );
    tf.engine().endScope();
    for (const { what, error, allowed } of comparisons)
      expect(error, `${what}: worst |Δ| ${error} > allowed ${allowed}`).toBeLessThanOrEqual(allowed);
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const name of referenceConfigurationNames) {
    for (const stage of ['init', 'trained'] as const) {
      it(`matches ${name} (${stage}): logits, loss, attention and every gradient within the reference tolerance`, async () => {
        const { comparisons, gradientNames, leakedTensors } = await compareWithReference(name, stage);
        expect(gradientNames.fixture).toEqual(gradientNames.model);
        for (const { what, error, allowed } of comparisons)
          expect(error, `${what}: worst |Δ| ${error} > allowed ${allowed}`).toBeLessThanOrEqual(allowed);
        expect(leakedTensors).toBe(0);
      });
    }
  }
});
