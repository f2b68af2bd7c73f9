/**
 * The optimizer against the fixtures' `optimizer_steps` (fixtures/reference-tiny/README.md): both
 * rules, three clipped steps on the fixed batch in eval mode at a constant lr 1e-3. First from the
 * stored PyTorch gradients alone (no model), then end to end with `@normfree/transformer`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@normfree/backend';
import { decodeSafetensors, tensorValues, type NamedParameter, type OptimizerRule } from '@normfree/core';
import { createModel } from '@normfree/transformer';
import { flatValues, loadReferenceFixture, referenceConfigurationNames } from '@normfree/transformer/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdamW, type AdamWOptions } from './adamw.js';
import { clipGradientsByGlobalNorm } from './clip-gradients.js';
import { computeGradients } from './compute-gradients.js';

/**
 * From the stored gradients, step 1 repeats PyTorch's float32 arithmetic on the same inputs: the
 * parameters (|p| ≲ 0.1) agree to a few float32 ulps, so 1e-7 absolute.
 */
const storedGradientTolerance = 1e-7;
/**
 * End to end, our gradients differ from PyTorch's by float32 rounding. Measured on cpu and wasm: the
 * losses agree to ≤ 2.4e-7 relative (1–2 float32 ulps) at every step, so 5e-7 relative; the two
 * rules' fixture losses differ by ≈ 2.5e-6 relative after three steps, more than twice that, so the
 * test tells the rules apart (checked below). Gradient norms: 1e-5 relative. Parameters after step
 * 1: Adam's first step is ≈ lr·g/(|g| + ε) per entry, so an entry whose gradient is within rounding
 * of zero can move by a rounding-dependent fraction of lr; measured worst 1.7e-6 (ln_relu
 * `h.0.mlp.c_proj.weight`), typically < 1e-7; allowed 5e-6 = 0.5 % of one lr 1e-3 step.
 */
const lossTolerance = 5e-7;
const gradNormTolerance = 1e-5;
const parameterTolerance = 5e-6;

interface OptimizerStepsFixture {
  optimizer: 'adamw_torch' | 'adamw_hf';
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  max_grad_norm: number;
  loss: number[];
  grad_norm_before_clip: number[];
  params_after_step_1?: Record<string, unknown>;
}

const fixtureDirectory = fileURLToPath(new URL('../../../fixtures/reference-tiny/', import.meta.url));
const readSteps = (
  name: string,
): { steps: OptimizerStepsFixture[]; gradients: Record<string, unknown>; trainable: string[]; decay: string[] } => {
  const json = JSON.parse(readFileSync(`${fixtureDirectory}${name}.json`, 'utf8')) as {
    optimizer_steps: OptimizerStepsFixture[];
    gradients: Record<string, unknown>;
    trainable_params: string[];
    decay_params: string[];
  };
  return {
    steps: json.optimizer_steps,
    gradients: json.gradients,
    trainable: json.trainable_params,
    decay: json.decay_params,
  };
};

const ruleOf = (fixture: OptimizerStepsFixture): OptimizerRule =>
  fixture.optimizer === 'adamw_hf' ? 'adamw-hf' : 'adamw-torch';
const optionsOf = (fixture: OptimizerStepsFixture): AdamWOptions => ({
  rule: ruleOf(fixture),
  beta1: fixture.betas[0],
  beta2: fixture.betas[1],
  epsilon: fixture.eps,
  weightDecay: fixture.weight_decay,
});

const maxAbsDifference = (actual: ArrayLike<number>, expected: ArrayLike<number>): number => {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
};

afterEach(() => {
  tf.disposeVariables();
});

describe('AdamW step 1 from the stored PyTorch gradients (free_learnable_lrelu)', () => {
  const name = 'free_learnable_lrelu';
  const { steps, gradients, trainable, decay } = readSteps(name);
  const file = decodeSafetensors(readFileSync(`${fixtureDirectory}${name}.safetensors`));
  const makeParameters = (): NamedParameter[] =>
    tf.tidy(() =>
      trainable.map((parameterName) => {
        const tensor = file.tensors.get(parameterName)!;
        return {
          name: parameterName,
          variable: tf.variable(tf.tensor(tensorValues(tensor) as Float32Array, [...tensor.shape])),
          decay: decay.includes(parameterName),
        };
      }),
    );
  const makeGradients = (parameters: NamedParameter[]): Map<string, tf.Tensor> =>
    new Map(
      parameters.map((parameter) => [
        parameter.name,
        tf.tensor(flatValues(gradients[parameter.name] as number[]), parameter.variable.shape),
      ]),
    );

  it('clips with min(1, 1/(n + 1e-6)) at n = grad_norm_before_clip[0] and matches params_after_step_1 (adamw_torch)', () => {
    const fixture = steps.find((step) => step.optimizer === 'adamw_torch')!;
    const before = tf.memory().numTensors;
    const parameters = makeParameters();
    const raw = makeGradients(parameters);
    const clipped = clipGradientsByGlobalNorm(raw, fixture.max_grad_norm);
    expect(Math.abs(clipped.norm.dataSync()[0]! - fixture.grad_norm_before_clip[0]!)).toBeLessThanOrEqual(
      1e-6 * fixture.grad_norm_before_clip[0]!,
    );
    const optimizer = createAdamW(parameters, optionsOf(fixture));
    optimizer.applyGradients(clipped.gradients, fixture.lr);
    for (const parameter of parameters) {
      const expected = flatValues(fixture.params_after_step_1![parameter.name] as number[]);
      expect(maxAbsDifference(parameter.variable.dataSync(), expected), parameter.name).toBeLessThanOrEqual(
        storedGradientTolerance,
      );
    }
    // the unused element of a per-layer slope vector has zero gradient: only decay moves it (0.01 → 0.01·(1 − 1e-4))
    const slopes = parameters.find((parameter) => parameter.name === 'transformer.h.0.mlp.act.slopes')!;
    expect(Math.abs(slopes.variable.dataSync()[1]! - 0.01 * (1 - 1e-4))).toBeLessThan(1e-9);
    optimizer.dispose();
    tf.dispose([...raw.values(), ...clipped.gradients.values(), clipped.norm]);
    for (const parameter of parameters) parameter.variable.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies the HF rule (ε before bias correction, decay after the step) as a float64 reference does', () => {
    const fixture = steps.find((step) => step.optimizer === 'adamw_hf')!;
    const parameters = makeParameters();
    const raw = makeGradients(parameters);
    const clipped = clipGradientsByGlobalNorm(raw, fixture.max_grad_norm);
    const initial = new Map(
      parameters.map((parameter) => [parameter.name, Float64Array.from(parameter.variable.dataSync())]),
    );
    const optimizer = createAdamW(parameters, optionsOf(fixture));
    optimizer.applyGradients(clipped.gradients, fixture.lr);
    const [beta1, beta2] = fixture.betas;
    const lr = fixture.lr;
    const coefficient = Math.min(1, 1 / (fixture.grad_norm_before_clip[0]! + 1e-6));
    for (const parameter of parameters) {
      const g = flatValues(gradients[parameter.name] as number[]);
      const p0 = initial.get(parameter.name)!;
      const wd = parameter.decay ? fixture.weight_decay : 0;
      const expected = Array.from(p0, (p, i) => {
        const grad = g[i]! * coefficient;
        const m = (1 - beta1) * grad;
        const v = (1 - beta2) * grad * grad;
        const adam = p - ((lr * Math.sqrt(1 - beta2)) / (1 - beta1)) * (m / (Math.sqrt(v) + fixture.eps));
        return adam - lr * wd * adam;
      });
      expect(maxAbsDifference(parameter.variable.dataSync(), expected), parameter.name).toBeLessThanOrEqual(
        storedGradientTolerance,
      );
    }
    optimizer.dispose();
    tf.dispose([...raw.values(), ...clipped.gradients.values(), clipped.norm]);
  });
});

describe('AdamW state', () => {
  it('exports and re-imports its moments so a resumed optimizer continues identically', async () => {
    const before = tf.memory().numTensors;
    const make = (): NamedParameter[] =>
      tf.tidy(() => [{ name: 'w', variable: tf.variable(tf.tensor([0.5, -0.25, 1])), decay: true }]);
    const gradients = new Map([['w', tf.tensor([0.1, -0.2, 0.3])]]);
    const options: AdamWOptions = { rule: 'adamw-hf', beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1 };
    const [straight] = make();
    const first = createAdamW([straight!], options);
    for (let step = 0; step < 3; step++) first.applyGradients(gradients, 1e-2);
    const [resumed] = make();
    const partial = createAdamW([resumed!], options);
    partial.applyGradients(gradients, 1e-2);
    const state = await partial.exportState();
    expect(state.step).toBe(1);
    const continued = createAdamW([resumed!], options, state);
    for (let step = 0; step < 2; step++) continued.applyGradients(gradients, 1e-2);
    expect(Array.from(resumed!.variable.dataSync())).toEqual(Array.from(straight!.variable.dataSync()));
    expect(() => createAdamW([resumed!], { ...options, rule: 'adamw-torch' }, state)).toThrow(
      "saved optimizer state is for rule 'adamw-hf', this optimizer uses 'adamw-torch'",
    );
    for (const optimizer of [first, partial, continued]) optimizer.dispose();
    tf.dispose([...gradients.values(), straight!.variable, resumed!.variable]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`AdamW end to end with @normfree/transformer on ${backend}: the fixtures' three optimizer steps`, () => {
    for (const name of backend === 'cpu' ? referenceConfigurationNames : (['free_gelu', 'ln_relu'] as const)) {
      it(`reproduces ${name}: losses, grad norms before clipping and (torch) params after step 1, for both rules`, async () => {
        if (backend === 'wasm') await selectBackend({ prefer: 'wasm', strict: true, quiet: true });
        try {
          const reference = readSteps(name);
          const lossesByRule = new Map<string, number[]>();
          for (const fixture of reference.steps) {
            const { config, stateDict, outputs } = loadReferenceFixture(name, 'init');
            const model = createModel(config, { seed: 0 });
            model.loadStateDict(stateDict);
            tf.dispose([...stateDict.values()]);
            expect(
              model.parameters
                .filter((parameter) => parameter.decay)
                .map((parameter) => parameter.name)
                .sort(),
            ).toEqual([...reference.decay].sort());
            const before = tf.memory().numTensors;
            const batch = {
              inputIds: Int32Array.from(outputs.input_ids.flat()),
              batchSize: outputs.input_ids.length,
              seqLen: outputs.input_ids[0]!.length,
            };
            const optimizer = createAdamW(model.parameters, optionsOf(fixture));
            const losses: number[] = [];
            for (let step = 0; step < 3; step++) {
              const { loss, gradients } = computeGradients(model, [batch], { training: false });
              const clipped = clipGradientsByGlobalNorm(gradients, fixture.max_grad_norm);
              losses.push(loss.dataSync()[0]!);
              const norm = clipped.norm.dataSync()[0]!;
              expect(
                Math.abs(norm - fixture.grad_norm_before_clip[step]!),
                `grad norm at step ${step + 1}`,
              ).toBeLessThanOrEqual(gradNormTolerance * fixture.grad_norm_before_clip[step]!);
              optimizer.applyGradients(clipped.gradients, fixture.lr);
              tf.dispose([loss, clipped.norm, ...gradients.values(), ...clipped.gradients.values()]);
              if (step === 0 && fixture.params_after_step_1 !== undefined) {
                for (const parameter of model.parameters) {
                  const expected = flatValues(fixture.params_after_step_1[parameter.name] as number[]);
                  expect(maxAbsDifference(parameter.variable.dataSync(), expected), parameter.name).toBeLessThanOrEqual(
                    parameterTolerance,
                  );
                }
              }
            }
            const last = computeGradients(model, [batch], { training: false });
            losses.push(last.loss.dataSync()[0]!);
            tf.dispose([last.loss, ...last.gradients.values()]);
            losses.forEach((loss, index) =>
              expect(Math.abs(loss - fixture.loss[index]!), `${fixture.optimizer} loss ${index}`).toBeLessThanOrEqual(
                lossTolerance * fixture.loss[index]!,
              ),
            );
            lossesByRule.set(fixture.optimizer, losses);
            optimizer.dispose();
            expect(tf.memory().numTensors).toBe(before);
            model.dispose();
          }
          // the two rules' fixtures differ after three steps by more than our tolerance: the test tells them apart
          const hf = reference.steps.find((step) => step.optimizer === 'adamw_hf')!.loss[3]!;
          const torch = reference.steps.find((step) => step.optimizer === 'adamw_torch')!.loss[3]!;
          expect(Math.abs(hf - torch)).toBeGreaterThan(2 * lossTolerance * torch);
        } finally {
          if (backend === 'wasm') await tf.setBackend('cpu');
        }
      });
    }
  });
}
