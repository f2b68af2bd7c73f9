import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { defaultTrainingOptions, encodeSafetensors, float32Tensor } from '@normfree/core';
import { createModel } from '@normfree/transformer';
import { loadReferenceFixture } from '@normfree/transformer/testing';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeaksPerTest } from './__fixtures__/no-tensor-leaks.js';
import { createAdamW } from './adamw.js';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, loadModelTensors } from './checkpoint.js';
import { batchTensor } from './compute-gradients.js';
import { createFakeLanguageModel } from './testing/index.js';

/** The transformer's own parity tolerance for the loss (1e-5 relative, fixture README). */
const referenceLossTolerance = 1e-5;

const fixture = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/reference-tiny/${name}`, import.meta.url)));

expectNoTensorLeaksPerTest();

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it('round-trips the state dict, optimizer moments and metadata bit for bit', async () => {
    const before = tf.memory().numTensors;
    const model = createFakeLanguageModel({ vocabSize: 8, seqLen: 4, learnableSlope: true });
    const optimizer = createAdamW(model.parameters, {
      rule: 'adamw-torch',
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0.1,
    });
    const gradients = new Map(model.parameters.map((parameter) => [parameter.name, tf.onesLike(parameter.variable)]));
    optimizer.applyGradients(gradients, 1e-3);
    optimizer.applyGradients(gradients, 1e-3);
    const bytes = await encodeCheckpoint({
      model,
      optimizer,
      step: 2,
      training: defaultTrainingOptions,
      configuration: { id: 'sm-r', label: 'SM+R' },
    });
    const decoded = decodeCheckpoint(bytes, 'ckpt.safetensors');
    expect(decoded.step).toBe(2);
    expect(decoded.modelConfig).toEqual(model.config);
    expect(decoded.training).toEqual(defaultTrainingOptions);
    expect(decoded.configuration).toEqual({ id: 'sm-r', label: 'SM+R' });
    expect([...decoded.modelTensors.keys()]).toEqual(model.parameters.map((parameter) => parameter.name));
    expect(decoded.optimizer?.rule).toBe('adamw-torch');
    expect(decoded.optimizer?.step).toBe(2);
    const exported = await optimizer.exportState();
    for (const [name, tensor] of exported.secondMoments)
      expect(decoded.optimizer?.secondMoments.get(name)?.bytes).toEqual(tensor.bytes);

    const other = createFakeLanguageModel({ vocabSize: 8, seqLen: 4, learnableSlope: true, seed: 9 });
    loadModelTensors(other, decoded.modelTensors);
    model.parameters.forEach((parameter, index) =>
      expect(Array.from(other.parameters[index]!.variable.dataSync())).toEqual(
        Array.from(parameter.variable.dataSync()),
      ),
    );
    optimizer.dispose();
    tf.dispose([...gradients.values()]);
    model.dispose();
    other.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the file and the key for damaged metadata', () => {
    const bytes = encodeSafetensors([['w', float32Tensor([1], [1])]], {
      format: 'normfree-checkpoint',
      step: '1',
      config: '{not json',
    });
    expect(() => decodeCheckpoint(bytes, 'run/checkpoint.safetensors')).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(bytes, 'run/checkpoint.safetensors')).toThrow(
      "run/checkpoint.safetensors: metadata 'config' is not valid JSON",
    );
    const badStep = encodeSafetensors([['w', float32Tensor([1], [1])]], { format: 'normfree-checkpoint', step: '-3' });
    expect(() => decodeCheckpoint(badStep, 'x')).toThrow('x: metadata \'step\' must be an integer ≥ 0, got "-3"');
    const badLabel = encodeSafetensors([['w', float32Tensor([1], [1])]], {
      format: 'normfree-checkpoint',
      step: '1',
      configuration: '{"id":"sm-g","label":7}',
    });
    expect(() => decodeCheckpoint(badLabel, 'run/checkpoint.safetensors')).toThrow(
      'run/checkpoint.safetensors metadata \'configuration\': field "label" must be a string, got 7',
    );
    const badConfig = encodeSafetensors([['w', float32Tensor([1], [1])]], {
      format: 'normfree-checkpoint',
      step: '1',
      config: '[]',
    });
    expect(() => decodeCheckpoint(badConfig, 'x')).toThrow(
      'x metadata \'config\': field "(root)" must be an object, got []',
    );
  });

  it('loads a file written by the reference (PyTorch + safetensors) into the transformer and reproduces its loss', () => {
    const decoded = decodeCheckpoint(fixture('free_relu.safetensors'), 'free_relu.safetensors');
    expect(decoded.step).toBe(0);
    expect(decoded.optimizer).toBeUndefined();
    expect(decoded.modelTensors.has('lm_head.weight')).toBe(true);
    const { config, stateDict, outputs } = loadReferenceFixture('free_relu', 'init');
    tf.dispose([...stateDict.values()]);
    const model = createModel(config, { seed: 123 });
    loadModelTensors(model, decoded.modelTensors);
    const before = tf.memory().numTensors;
    const loss = tf.tidy(() =>
      model.loss(batchTensor({ inputIds: Int32Array.from(outputs.input_ids.flat()), batchSize: 3, seqLen: 8 }), {
        training: false,
      }),
    );
    expect(Math.abs(loss.dataSync()[0]! - outputs.loss)).toBeLessThanOrEqual(referenceLossTolerance * outputs.loss);
    loss.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
