import { selectBackend } from '@normfree/backend';
import { countParameters, resolveModelConfig, type ModelConfig } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from './create-model.js';

afterEach(() => {
  tf.disposeVariables();
});

/** Same reasoning as the GPT-2 test: logits std ≈ √d·initStd at init, so the loss is near ln V. */
const INIT_LOSS_ABSOLUTE = 0.05;
/** cpu vs wasm on the same float32 computation (different summation orders). */
const BACKEND_RELATIVE = 1e-5;

const pythia = (overrides: Partial<ModelConfig> = {}): ModelConfig =>
  resolveModelConfig({ family: 'pythia', vocabSize: 64, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 32, ...overrides });
const batch = (): tf.Tensor2D =>
  tf.tensor2d(
    [
      [1, 5, 9, 13, 17, 21, 25, 29],
      [2, 4, 6, 8, 10, 12, 14, 16],
    ],
    undefined,
    'int32',
  );

describe('the Pythia-style model', () => {
  it('has GPT-NeoX names, HF Linear layouts and exactly countParameters() trainable elements', () => {
    const config = pythia();
    const model = createModel(config, { seed: 0 });
    const names = model.parameters.map((parameter) => parameter.name);
    expect(names.slice(0, 5)).toEqual([
      'gpt_neox.embed_in.weight',
      'gpt_neox.layers.0.input_layernorm.weight',
      'gpt_neox.layers.0.input_layernorm.bias',
      'gpt_neox.layers.0.post_attention_layernorm.weight',
      'gpt_neox.layers.0.post_attention_layernorm.bias',
    ]);
    expect(names.slice(-3)).toEqual([
      'gpt_neox.final_layer_norm.weight',
      'gpt_neox.final_layer_norm.bias',
      'embed_out.weight',
    ]);
    expect(model.stateDict().get('gpt_neox.layers.1.attention.query_key_value.weight')!.shape).toEqual([96, 32]); // (3d, d)
    expect(model.stateDict().get('gpt_neox.layers.1.mlp.dense_h_to_4h.weight')!.shape).toEqual([128, 32]); // (out, in)
    const total = model.parameters.reduce((sum, parameter) => sum + parameter.variable.size, 0);
    expect(total).toBe(countParameters(config));
    expect(
      model.parameters
        .filter((parameter) => !parameter.decay)
        .every((parameter) => /(norm|\.bias)/.test(parameter.name)),
    ).toBe(true);
    model.dispose();
  });

  it.each(['layernorm', 'none'] as const)('starts near ln(vocabSize) with norm %s', (norm) => {
    const model = createModel(pythia({ norm }), { seed: 1 });
    const input = batch();
    const loss = model.loss(input, { training: false });
    expect(Math.abs(loss.dataSync()[0]! - Math.log(64))).toBeLessThan(INIT_LOSS_ABSOLUTE);
    tf.dispose([input, loss]);
    model.dispose();
  });

  it.each([true, false])('is causal (parallelResidual %s)', (parallelResidual) => {
    const model = createModel(pythia({ pythia: { rotaryPct: 0.25, rotaryBase: 10000, parallelResidual } }), {
      seed: 2,
    });
    const [a, b] = tf.tidy(() => [
      model.forward(tf.tensor2d([[1, 2, 3, 4, 5, 6]], undefined, 'int32'), { training: false }).dataSync(),
      model.forward(tf.tensor2d([[1, 2, 3, 40, 5, 6]], undefined, 'int32'), { training: false }).dataSync(),
    ]);
    expect(Array.from(a.slice(0, 3 * 64))).toEqual(Array.from(b.slice(0, 3 * 64)));
    expect(Array.from(a.slice(3 * 64, 4 * 64))).not.toEqual(Array.from(b.slice(3 * 64, 4 * 64)));
    model.dispose();
  });

  it('sends a gradient to every parameter and does not grow the tensor count', () => {
    const model = createModel(
      pythia({ norm: 'none', activation: { kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.01 } }),
      { seed: 3 },
    );
    expect(model.parameters.at(-4)!.name).toBe('gpt_neox.act.global_slope'); // shared, before the final LN and the head
    const input = batch();
    const variables = model.parameters.map((parameter) => parameter.variable);
    const step = (): number[] => {
      const { value, grads } = tf.variableGrads(() => model.loss(input, { training: true, dropoutSeed: 1 }), variables);
      const norms = model.parameters.map((parameter) =>
        tf.tidy(() => tf.norm(grads[parameter.variable.name]!).dataSync()[0]!),
      );
      tf.dispose([value, ...Object.values(grads)]);
      return norms;
    };
    step();
    const before = tf.memory().numTensors;
    const norms = step();
    expect(tf.memory().numTensors).toBe(before);
    model.parameters.forEach((parameter, index) => expect(norms[index], parameter.name).toBeGreaterThan(0));
    expect(model.slopes()).toEqual([0.01, 0.01].map(Math.fround));
    input.dispose();
    model.dispose();
  });

  it('differs between parallel and sequential residuals at the same weights', () => {
    const parallel = createModel(pythia(), { seed: 4 });
    const sequential = createModel(
      pythia({ pythia: { rotaryPct: 0.25, rotaryBase: 10000, parallelResidual: false } }),
      { seed: 4 },
    );
    const input = batch();
    const [a, b] = tf.tidy(() => [
      parallel.loss(input, { training: false }).dataSync()[0]!,
      sequential.loss(input, { training: false }).dataSync()[0]!,
    ]);
    expect(a).not.toBe(b);
    tf.dispose(input);
    parallel.dispose();
    sequential.dispose();
  });

  it('gives the same loss and gradients on cpu and wasm within 1e-5 relative', async () => {
    const results: number[][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend({ prefer: backend, strict: true, quiet: true });
      const model = createModel(pythia({ norm: 'none', activation: { kind: 'gelu' } }), { seed: 5 });
      const input = batch();
      const { value, grads } = tf.variableGrads(
        () => model.loss(input, { training: false }),
        model.parameters.map((parameter) => parameter.variable),
      );
      results.push([
        value.dataSync()[0]!,
        ...model.parameters.flatMap((parameter) => Array.from(grads[parameter.variable.name]!.dataSync())),
      ]);
      tf.dispose([input, value, ...Object.values(grads)]);
      model.dispose();
    }
    await tf.setBackend('cpu');
    const [cpu, wasm] = results as [number[], number[]];
    const scale = Math.max(...cpu.map(Math.abs));
    cpu.forEach((value, index) => expect(Math.abs(wasm[index]! - value)).toBeLessThanOrEqual(BACKEND_RELATIVE * scale));
  });
});
