import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createActivations } from './create-activations.js';
import { slopeLayout } from './learnable-leaky-relu.js';

afterEach(() => {
  tf.disposeVariables();
});

const perLayer = { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.01 } as const;
const global = { kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.01 } as const;

describe('learnable leaky ReLU', () => {
  it('stores per-layer slopes as the authors do: a (nLayer,) vector per layer, element [l] used', () => {
    const activations = createActivations(perLayer, { nLayer: 3 });
    expect(
      activations.parameters.map((parameter) => [parameter.name, parameter.variable.shape, parameter.decay]),
    ).toEqual([
      ['transformer.h.0.mlp.act.slopes', [3], true],
      ['transformer.h.1.mlp.act.slopes', [3], true],
      ['transformer.h.2.mlp.act.slopes', [3], true],
    ]);
    expect(activations.slopes()).toEqual([0.01, 0.01, 0.01].map(Math.fround));
    activations.dispose();
  });

  it('gives the slope a nonzero gradient from negative inputs, only at element [layer]', () => {
    const activations = createActivations(perLayer, { nLayer: 3 });
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([
      [-2, 1],
      [-1, -3],
    ]);
    const slopes = activations.parameters[1]!.variable;
    const { value, grads } = tf.variableGrads(() => tf.sum(activations.layers[1]!.apply(x)) as tf.Scalar, [slopes]);
    expect(Array.from(grads[slopes.name]!.dataSync())).toEqual([0, -6, 0]); // Σ x over x < 0, at [1] only
    tf.dispose([x, value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    activations.dispose();
  });

  it('shares ONE variable across layers in global mode (the paper), named transformer.act.global_slope', () => {
    const activations = createActivations(global, { nLayer: 4 });
    expect(activations.parameters.map((parameter) => parameter.name)).toEqual(['transformer.act.global_slope']);
    expect(activations.layers.every((layer) => layer.parameters.length === 0)).toBe(true);
    const shared = activations.sharedParameters[0]!.variable;
    shared.assign(tf.tensor1d([0.25]));
    expect(activations.slopes()).toEqual([0.25, 0.25, 0.25, 0.25]);
    // every layer's gradient lands on the same variable: Σ over layers
    const x = tf.tensor1d([-1, 2]);
    const { value, grads } = tf.variableGrads(
      () => tf.addN(activations.layers.map((layer) => tf.sum(layer.apply(x)))) as tf.Scalar,
      [shared],
    );
    expect(grads[shared.name]!.dataSync()[0]).toBeCloseTo(-4, 6);
    tf.dispose([x, value, ...Object.values(grads)]);
    activations.dispose();
  });

  it('reproduces the authors\' "global" mode with authorsGlobal: independent (1,) scalars per layer', () => {
    const activations = createActivations({ ...global, authorsGlobal: true }, { nLayer: 2 });
    expect(activations.parameters.map((parameter) => [parameter.name, parameter.variable.shape])).toEqual([
      ['transformer.h.0.mlp.act.slopes', [1]],
      ['transformer.h.1.mlp.act.slopes', [1]],
    ]);
    activations.parameters[1]!.variable.assign(tf.tensor1d([0.5]));
    expect(activations.slopes()).toEqual([Math.fround(0.01), 0.5]);
    activations.dispose();
  });

  it('selects layouts from the spec', () => {
    expect(slopeLayout({ mode: 'per-layer' })).toBe('authors-vector');
    expect(slopeLayout({ mode: 'per-layer', authorsVectorLayout: false })).toBe('layer-scalar');
    expect(slopeLayout({ mode: 'global' })).toBe('shared-scalar');
    expect(slopeLayout({ mode: 'global', authorsGlobal: true })).toBe('layer-scalar');
  });

  it('frees its variables on dispose', () => {
    const before = tf.memory().numTensors;
    createActivations(perLayer, { nLayer: 2 }).dispose();
    createActivations(global, { nLayer: 2 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a bad mode or initial slope, naming the value', () => {
    expect(() => createActivations({ ...perLayer, mode: 'shared' }, { nLayer: 1 })).toThrow(
      `mode must be 'per-layer' or 'global', got "shared"`,
    );
    expect(() => createActivations({ ...perLayer, initialSlope: Number.POSITIVE_INFINITY }, { nLayer: 1 })).toThrow(
      'initialSlope must be a finite number',
    );
  });
});
