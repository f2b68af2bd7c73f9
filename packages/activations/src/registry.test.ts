import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createActivations } from './create-activations.js';
import { getActivationFactory, listActivations, registerActivation, unregisterActivation } from './registry.js';
import { createRecordingActivationFactory } from './testing/index.js';

afterEach(() => {
  unregisterActivation('test-scaled');
  tf.disposeVariables();
});

describe('activation registry', () => {
  it('lists the builtins', () => {
    expect(listActivations()).toEqual(['gelu', 'gelu-tanh', 'relu', 'identity', 'leaky-relu', 'learnable-leaky-relu']);
  });

  it('builds a registered plug-in through createActivations, once per layer', () => {
    const factory = createRecordingActivationFactory();
    registerActivation('test-scaled', factory);
    expect(listActivations()).toContain('test-scaled');
    const activations = createActivations({ kind: 'test-scaled', factor: 3 }, { nLayer: 2 });
    expect(factory.calls).toEqual([
      { layer: 0, kind: 'test-scaled' },
      { layer: 1, kind: 'test-scaled' },
    ]);
    const value = tf.tidy(() => activations.layers[1]!.apply(tf.scalar(2)).dataSync()[0]);
    expect(value).toBe(6);
    expect(activations.slopes()).toEqual([]);
    activations.dispose();
  });

  it('names an unknown kind and lists the known ones', () => {
    expect(() => getActivationFactory({ kind: 'swishh' })).toThrow(
      'unknown activation kind "swishh"; known kinds: gelu, gelu-tanh, relu, identity, leaky-relu, learnable-leaky-relu',
    );
    expect(() => createActivations({ kind: 'swishh' }, { nLayer: 1 })).toThrow('unknown activation kind "swishh"');
  });

  it('refuses to replace a builtin or re-register without replace: true', () => {
    expect(() => registerActivation('relu', createRecordingActivationFactory())).toThrow(
      `'relu' is a builtin activation`,
    );
    registerActivation('test-scaled', createRecordingActivationFactory());
    expect(() => registerActivation('test-scaled', createRecordingActivationFactory())).toThrow(
      `'test-scaled' is already registered`,
    );
    expect(() =>
      registerActivation('test-scaled', createRecordingActivationFactory(), { replace: true }),
    ).not.toThrow();
  });
});

describe('createActivations', () => {
  it("builds a hybrid schedule (GELU early, ReLU late: the paper's future work)", () => {
    const activations = createActivations([{ kind: 'gelu' }, { kind: 'gelu' }, { kind: 'relu' }], { nLayer: 3 });
    expect(activations.layers.map((layer) => [layer.kind, layer.layer])).toEqual([
      ['gelu', 0],
      ['gelu', 1],
      ['relu', 2],
    ]);
    const [early, late] = tf.tidy(() => {
      const x = tf.tensor1d([-1]);
      return [activations.layers[0]!.apply(x).dataSync()[0]!, activations.layers[2]!.apply(x).dataSync()[0]!];
    });
    expect(early).toBeCloseTo(-0.158655, 5);
    expect(late).toBe(0);
    activations.dispose();
  });

  it('reports NaN slopes for layers without one in a mixed schedule', () => {
    const activations = createActivations(
      [{ kind: 'relu' }, { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.5 }],
      { nLayer: 2 },
    );
    const slopes = activations.slopes();
    expect(Number.isNaN(slopes[0])).toBe(true);
    expect(slopes[1]).toBe(0.5);
    activations.dispose();
  });

  it('names both numbers when a schedule has the wrong length', () => {
    expect(() => createActivations([{ kind: 'relu' }], { nLayer: 2 })).toThrow(
      'activation schedule has 1 entries but nLayer is 2',
    );
  });

  it('uses the given state-dict prefixes', () => {
    const activations = createActivations(
      { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.01 },
      { nLayer: 1, layerPrefix: (layer) => `gpt_neox.layers.${layer}.mlp.act.` },
    );
    expect(activations.parameters[0]!.name).toBe('gpt_neox.layers.0.mlp.act.slopes');
    activations.dispose();
  });

  it('disposes what it already built when a later layer fails', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      createActivations(
        [{ kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.01 }, { kind: 'leaky-relu' }],
        { nLayer: 2 },
      ),
    ).toThrow('slope must be a finite number');
    expect(tf.memory().numTensors).toBe(before);
  });
});
