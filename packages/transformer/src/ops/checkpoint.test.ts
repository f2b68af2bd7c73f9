import { resolveModelConfig, type ModelConfig } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from '../create-model.js';

afterEach(() => {
  tf.disposeVariables();
});

/** Loss and every parameter's gradient of one training forward, as plain arrays. */
function lossAndGradients(
  config: ModelConfig,
  activationCheckpointing: boolean,
): { loss: number; gradients: Map<string, Float32Array> } {
  const model = createModel(config, { seed: 3, activationCheckpointing });
  const ids = tf.tensor2d(
    [
      [1, 5, 9, 2, 7, 3],
      [4, 4, 8, 0, 6, 1],
    ],
    undefined,
    'int32',
  ); // (2, 6)
  const { value, grads } = tf.variableGrads(
    () => model.loss(ids, { training: true, dropoutSeed: 11 }),
    model.parameters.map((parameter) => parameter.variable),
  );
  const names = new Map(model.parameters.map((parameter) => [parameter.variable.name, parameter.name]));
  const gradients = new Map(
    Object.entries(grads).map(([variableName, gradient]) => [
      names.get(variableName)!,
      gradient.dataSync() as Float32Array,
    ]),
  );
  const loss = value.dataSync()[0]!;
  tf.dispose([value, ids, ...Object.values(grads)]);
  model.dispose();
  return { loss, gradients };
}

describe('activation checkpointing (GPT-2 blocks)', () => {
  it.each([
    ['layernorm', { kind: 'gelu' }],
    ['none', { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.01 }],
    ['none', { kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.01 }],
  ] as const)(
    'gives the same loss and the same gradient for every parameter (norm %s, %o), and leaves no tensors',
    (norm, activation) => {
      const config = resolveModelConfig({
        vocabSize: 16,
        blockSize: 8,
        nLayer: 2,
        nHead: 2,
        nEmbd: 8,
        norm,
        activation,
      });
      const before = tf.memory().numTensors;
      const plain = lossAndGradients(config, false);
      const checkpointed = lossAndGradients(config, true);
      expect(tf.memory().numTensors).toBe(before);
      expect(checkpointed.loss).toBe(plain.loss); // the same kernels on the same values
      expect([...checkpointed.gradients.keys()].sort()).toEqual([...plain.gradients.keys()].sort());
      for (const [name, gradient] of plain.gradients) {
        expect([...checkpointed.gradients.get(name)!], name).toEqual([...gradient]);
      }
    },
  );
});
