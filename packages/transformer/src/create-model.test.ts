import { registerActivation, unregisterActivation } from '@normfree/activations';
import { createRecordingActivationFactory } from '@normfree/activations/testing';
import { resolveModelConfig } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from './create-model.js';

afterEach(() => {
  unregisterActivation('test-doubled');
  tf.disposeVariables();
});

const tiny = resolveModelConfig({ vocabSize: 32, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 8 });

describe('createModel', () => {
  it('dispatches on the family', () => {
    const gpt2 = createModel(tiny, { seed: 0 });
    const pythia = createModel(resolveModelConfig({ ...tiny, nEmbd: 16, family: 'pythia' }), { seed: 0 }); // head dim 8: 2 rotary dims
    expect(gpt2.parameters[0]!.name).toBe('transformer.wte.weight');
    expect(pythia.parameters[0]!.name).toBe('gpt_neox.embed_in.weight');
    gpt2.dispose();
    pythia.dispose();
  });

  it('builds plug-in activations through the registry, one per layer', () => {
    const factory = createRecordingActivationFactory();
    registerActivation('test-doubled', factory);
    const model = createModel({ ...tiny, activation: { kind: 'test-doubled', factor: 2 } }, { seed: 0 });
    expect(factory.calls).toEqual([
      { layer: 0, kind: 'test-doubled' },
      { layer: 1, kind: 'test-doubled' },
    ]);
    model.dispose();
  });

  it('names an unknown activation kind, a bad config value, a missing seed and a non-tied GPT-2', () => {
    expect(() => createModel({ ...tiny, activation: { kind: 'swishh' } }, { seed: 0 })).toThrow(
      'unknown activation kind "swishh"; known kinds: gelu',
    );
    expect(() => createModel({ ...tiny, nHead: 3 }, { seed: 0 })).toThrow('nEmbd 8 is not divisible by nHead 3');
    expect(() => createModel(tiny, {} as { seed: number })).toThrow(
      'options.seed must be a finite number, got undefined',
    );
    expect(() => createModel({ ...tiny, tiedEmbeddings: false }, { seed: 0 })).toThrow('ties the LM head to wte');
  });

  it('leaves no tensors behind when construction fails', () => {
    const before = tf.memory().numTensors;
    expect(() => createModel({ ...tiny, activation: [{ kind: 'gelu' }, { kind: 'swishh' }] }, { seed: 0 })).toThrow(
      'unknown activation kind',
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});
