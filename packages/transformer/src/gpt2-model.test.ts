import { countParameters, resolveModelConfig, type ModelConfig } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel } from './create-model.js';
import { loadReferenceFixture, referenceConfigurationNames } from './testing/index.js';

afterEach(() => {
  tf.disposeVariables();
});

const tiny = (overrides: Partial<ModelConfig> = {}): ModelConfig =>
  resolveModelConfig({ vocabSize: 64, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16, ...overrides });
const ids = (rows: number[][]): tf.Tensor2D => tf.tensor2d(rows, undefined, 'int32');

/**
 * |loss − ln V| at N(0, 0.02) init with V = 64: ln_f makes the hidden states unit-variance, so the
 * logits have std ≈ √d·initStd = 0.08 and the loss sits within a few hundredths of ln 64 (the
 * reference fixture's init loss is 4.1539, 0.005 below).
 */
const INIT_LOSS_ABSOLUTE = 0.05;

describe("the authors' GPT-2: parameters and state dict", () => {
  it.each(referenceConfigurationNames)(
    "lists %s's trainable parameters in state-dict order with the authors' decay groups",
    (name) => {
      const fixture = loadReferenceFixture(name, 'init');
      for (const tensor of fixture.stateDict.values()) tensor.dispose();
      const model = createModel(fixture.config, { seed: 0 });
      const { outputs } = fixture;
      expect(model.parameters.map((parameter) => parameter.name)).toEqual(outputs.trainable_params);
      expect(model.parameters.filter((parameter) => parameter.decay).map((parameter) => parameter.name)).toEqual(
        outputs.decay_params,
      );
      expect(model.parameters.filter((parameter) => !parameter.decay).map((parameter) => parameter.name)).toEqual(
        outputs.no_decay_params,
      );
      const stateDict = model.stateDict();
      expect([...stateDict.keys()]).toEqual(outputs.state_dict_names);
      for (const [tensorName, tensor] of stateDict)
        expect(tensor.shape, tensorName).toEqual(outputs.param_shapes[tensorName]);
      expect(stateDict.get('lm_head.weight')).toBe(stateDict.get('transformer.wte.weight')); // tied: the same tensor
      model.dispose();
    },
  );

  it('initialises weights N(0, initStd), the qk bias and LayerNorm shifts at 0, LayerNorm gains at 1, deterministically per seed', () => {
    const config = tiny({ nEmbd: 32, vocabSize: 256 });
    const model = createModel(config, { seed: 1 });
    const again = createModel(config, { seed: 1 });
    const other = createModel(config, { seed: 2 });
    const std = (tensor: tf.Tensor): number => tf.tidy(() => Math.sqrt(tf.moments(tensor).variance.dataSync()[0]!));
    const wte = model.stateDict().get('transformer.wte.weight')!;
    expect(std(wte)).toBeGreaterThan(0.018); // 8,192 draws: the sample std is within ±3% of 0.02
    expect(std(wte)).toBeLessThan(0.022);
    expect(
      Array.from(model.stateDict().get('transformer.h.0.ln_1.weight')!.dataSync()).every((value) => value === 1),
    ).toBe(true);
    for (const zero of [
      'transformer.h.0.attn.qk_attn.bias',
      'transformer.h.1.mlp.c_proj.bias',
      'transformer.ln_f.bias',
    ]) {
      expect(
        Array.from(model.stateDict().get(zero)!.dataSync()).every((value) => value === 0),
        zero,
      ).toBe(true);
    }
    expect(Array.from(again.stateDict().get('transformer.h.1.mlp.c_fc.weight')!.dataSync())).toEqual(
      Array.from(model.stateDict().get('transformer.h.1.mlp.c_fc.weight')!.dataSync()),
    );
    expect(Array.from(other.stateDict().get('transformer.h.1.mlp.c_fc.weight')!.dataSync())).not.toEqual(
      Array.from(model.stateDict().get('transformer.h.1.mlp.c_fc.weight')!.dataSync()),
    );
    expect(model.parameters.reduce((sum, parameter) => sum + parameter.variable.size, 0)).toBe(countParameters(config)); // frozen biases excluded, tied head once
    for (const each of [model, again, other]) each.dispose();
  });

  it('frees every tensor it made on dispose', () => {
    const before = tf.memory().numTensors;
    createModel(tiny({ activation: { kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.01 } }), {
      seed: 0,
    }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the authors' GPT-2: loading", () => {
  it('accepts lm_head.weight for the tied embedding when transformer.wte.weight is absent', () => {
    const fixture = loadReferenceFixture('free_relu', 'trained');
    const model = createModel(fixture.config, { seed: 0 });
    const values = new Map(fixture.stateDict);
    values.delete('transformer.wte.weight');
    model.loadStateDict(values);
    const loaded = model.stateDict().get('transformer.wte.weight')!.dataSync();
    expect(Array.from(loaded)).toEqual(Array.from(fixture.stateDict.get('lm_head.weight')!.dataSync()));
    for (const tensor of fixture.stateDict.values()) tensor.dispose();
    model.dispose();
  });

  it('names the tensor on a missing name, a shape mismatch, an unexpected name or a non-zero frozen bias, and changes nothing', () => {
    const fixture = loadReferenceFixture('ln_gelu', 'init');
    const model = createModel(fixture.config, { seed: 5 });
    const wteBefore = Array.from(model.stateDict().get('transformer.wte.weight')!.dataSync());
    const variant = (edit: (values: Map<string, tf.Tensor>) => void): Map<string, tf.Tensor> => {
      const values = new Map(fixture.stateDict);
      edit(values);
      return values;
    };
    const wrongShape = tf.zeros([3, 3]);
    const nonZero = tf.ones([16]);
    expect(() => model.loadStateDict(variant((values) => values.delete('transformer.h.1.ln_2.bias')))).toThrow(
      `missing tensor 'transformer.h.1.ln_2.bias'`,
    );
    expect(() => model.loadStateDict(variant((values) => values.set('transformer.wpe.weight', wrongShape)))).toThrow(
      `tensor 'transformer.wpe.weight' has shape [3, 3], the model expects [8, 16]`,
    );
    expect(() =>
      model.loadStateDict(variant((values) => values.set('transformer.h.0.mlp.act.slopes', wrongShape))),
    ).toThrow(`unexpected tensor 'transformer.h.0.mlp.act.slopes'`);
    expect(() =>
      model.loadStateDict(variant((values) => values.set('transformer.h.0.attn.v_attn.bias', nonZero))),
    ).toThrow(`frozen tensor 'transformer.h.0.attn.v_attn.bias' must be all zeros`);
    expect(Array.from(model.stateDict().get('transformer.wte.weight')!.dataSync())).toEqual(wteBefore);
    model.loadStateDict(
      variant((values) => values.delete('transformer.h.1.ln_2.bias')),
      { strict: false },
    );
    expect(Array.from(model.stateDict().get('transformer.wte.weight')!.dataSync())).not.toEqual(wteBefore);
    tf.dispose([wrongShape, nonZero, ...fixture.stateDict.values()]);
    model.dispose();
  });

  it('reports the learnable slopes of a loaded model per layer', () => {
    const fixture = loadReferenceFixture('free_learnable_lrelu', 'trained');
    const model = createModel(fixture.config, { seed: 0 });
    model.loadStateDict(fixture.stateDict);
    const expected = [0, 1].map(
      (layer) => fixture.stateDict.get(`transformer.h.${layer}.mlp.act.slopes`)!.dataSync()[layer]!,
    );
    expect(model.slopes()).toEqual(expected);
    expect(expected[0]).not.toBeCloseTo(0.01, 4); // training moved them
    for (const tensor of fixture.stateDict.values()) tensor.dispose();
    model.dispose();
  });
});

describe("the authors' GPT-2: forward", () => {
  it('starts at a loss close to ln(vocabSize) (64 -> 4.159)', () => {
    for (const norm of ['layernorm', 'none'] as const) {
      const model = createModel(tiny({ norm }), { seed: 3 });
      const input = ids([
        [1, 5, 9, 13, 17, 21, 25, 29],
        [2, 4, 6, 8, 10, 12, 14, 16],
      ]);
      const loss = model.loss(input, { training: false });
      expect(Math.abs(loss.dataSync()[0]! - Math.log(64))).toBeLessThan(INIT_LOSS_ABSOLUTE);
      tf.dispose([input, loss]);
      model.dispose();
    }
  });

  it('throws naming both numbers when T exceeds blockSize, and names bad inputs', () => {
    const model = createModel(tiny({ blockSize: 8 }), { seed: 0 });
    const long = tf.zeros([1, 9], 'int32') as tf.Tensor2D;
    const floats = tf.zeros([1, 4]) as tf.Tensor2D;
    const flat = tf.zeros([4], 'int32') as unknown as tf.Tensor2D;
    expect(() => model.forward(long, { training: false })).toThrow('sequence length 9 exceeds blockSize 8');
    expect(() => model.loss(long, { training: false })).toThrow('sequence length 9 exceeds blockSize 8');
    expect(() => model.forward(floats, { training: false })).toThrow('inputIds must be int32, got float32');
    expect(() => model.forward(flat, { training: false })).toThrow('inputIds must be (B, T), got shape [4]');
    tf.dispose([long, floats, flat]);
    model.dispose();
  });

  it('is causal: changing token t leaves the logits of positions before t unchanged', () => {
    const model = createModel(tiny({ norm: 'none', activation: { kind: 'relu' } }), { seed: 4 });
    const [a, b] = tf.tidy(() => [
      model.forward(ids([[1, 2, 3, 4, 5, 6, 7, 8]]), { training: false }).dataSync(),
      model.forward(ids([[1, 2, 3, 4, 60, 6, 7, 8]]), { training: false }).dataSync(),
    ]);
    const V = 64;
    expect(Array.from(a.slice(0, 4 * V))).toEqual(Array.from(b.slice(0, 4 * V)));
    expect(Array.from(a.slice(4 * V, 5 * V))).not.toEqual(Array.from(b.slice(4 * V, 5 * V)));
    model.dispose();
  });

  it('applies embedding dropout in training only, reproducibly for a dropoutSeed', () => {
    const model = createModel(tiny({ embdDropout: 0.5 }), { seed: 0 });
    const input = ids([[3, 1, 4, 1, 5, 9, 2, 6]]);
    const run = (options: { training: boolean; dropoutSeed?: number }): number[] =>
      tf.tidy(() => Array.from(model.forward(input, options).dataSync()));
    expect(run({ training: false })).toEqual(run({ training: false }));
    expect(run({ training: true, dropoutSeed: 1 })).toEqual(run({ training: true, dropoutSeed: 1 }));
    expect(run({ training: true, dropoutSeed: 1 })).not.toEqual(run({ training: true, dropoutSeed: 2 }));
    expect(run({ training: true, dropoutSeed: 1 })).not.toEqual(run({ training: false }));
    input.dispose();
    model.dispose();
  });

  it('hands observers (B, nh, T, T) probabilities and scaled logits without keeping them', () => {
    const model = createModel(tiny(), { seed: 0 });
    const input = ids([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const seen: string[] = [];
    const before = tf.memory().numTensors;
    const rowSums: number[] = [];
    const logits = model.forward(input, {
      training: false,
      observer: {
        onAttention: (layer, probs) => {
          seen.push(`probs ${layer} ${probs.shape.join('x')}`);
          rowSums.push(...tf.tidy(() => Array.from(tf.sum(probs, -1).dataSync())));
          expect(probs.arraySync()[0]![0]![0]!.slice(1)).toEqual([0, 0]); // above the diagonal
        },
        onAttentionLogits: (layer, scaled) => seen.push(`logits ${layer} ${scaled.shape.join('x')}`),
      },
    });
    expect(seen).toEqual(['logits 0 2x2x3x3', 'probs 0 2x2x3x3', 'logits 1 2x2x3x3', 'probs 1 2x2x3x3']);
    for (const sum of rowSums) expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });

  it('lets an observer tf.keep a small reduction that outlives the forward (the AttentionObserver contract)', () => {
    const model = createModel(tiny(), { seed: 0 });
    const input = ids([[1, 2, 3, 4]]);
    const before = tf.memory().numTensors;
    const kept: tf.Tensor[] = [];
    const logits = model.forward(input, {
      training: false,
      observer: {
        onAttention: (_layer, probs) => {
          kept.push(tf.keep(tf.sum(probs, [0, 2, 3])));
        },
      },
    });
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before + kept.length);
    for (const sums of kept)
      expect(Array.from(sums.dataSync())).toEqual([4, 4].map((value) => expect.closeTo(value, 5) as unknown as number)); // nh rows sums: T = 4 rows of 1
    tf.dispose(kept);
    input.dispose();
    model.dispose();
  });

  it('turns attention logits beyond ±65504 into NaN rows only with fp16AttentionOverflow', () => {
    const model = createModel(tiny({ norm: 'none' }), { seed: 0 });
    const qk = model.stateDict().get('transformer.h.0.attn.qk_attn.weight') as tf.Variable;
    qk.assign(tf.tidy(() => tf.mul(tf.ones(qk.shape), 40))); // q·k/√8 ≈ 16·(40·|x|)² ≫ 65504
    const wte = model.stateDict().get('transformer.wte.weight') as tf.Variable;
    wte.assign(tf.tidy(() => tf.add(tf.mul(wte, 0), 1)));
    const input = ids([[1, 2, 3, 4]]);
    const nanCount = (fp16AttentionOverflow: boolean): number => {
      let count = 0;
      const logits = model.forward(input, {
        training: false,
        fp16AttentionOverflow,
        observer: {
          onAttention: (layer, probs) => {
            if (layer === 0) count = tf.tidy(() => tf.sum(tf.cast(tf.isNaN(probs), 'int32')).dataSync()[0]!);
          },
        },
      });
      logits.dispose();
      return count;
    };
    expect(nanCount(false)).toBe(0);
    expect(nanCount(true)).toBe(2 * 4 * 4); // every row of both heads: each holds +Infinity
    input.dispose();
    model.dispose();
  });

  it('does not grow the tensor count across repeated forward/backward passes', () => {
    const model = createModel(
      tiny({ activation: { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.01 } }),
      { seed: 0 },
    );
    const input = ids([
      [1, 2, 3, 4, 5, 6, 7, 8],
      [8, 7, 6, 5, 4, 3, 2, 1],
    ]);
    const variables = model.parameters.map((parameter) => parameter.variable);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(() => model.loss(input, { training: true, dropoutSeed: 3 }), variables);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let repeat = 0; repeat < 3; repeat++) step();
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
    model.dispose();
  });
});
