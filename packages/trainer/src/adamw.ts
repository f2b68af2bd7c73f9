/**
 * AdamW with the authors' weight-decay groups, in two rules:
 *
 * - `adamw-hf`: the legacy `transformers.AdamW` the authors ran (`optim: adamw_hf`): ε is added to
 *   √v BEFORE bias correction (which is folded into the step size), and the decoupled decay is
 *   applied AFTER the Adam step, to the already-updated parameter.
 * - `adamw-torch`: `torch.optim.AdamW`: decay first, ε added after dividing √v by √(1 − β2^t).
 *
 * Moments live in non-trainable variables, created at the first update (or from saved state).
 *
 * References:
 * 1. paper-reference §5.2 ("HF AdamW update"; groups from train_utils.py:90-126).
 * 2. transformers 4.30.2 `optimization.py` `AdamW.step`; torch 2.x `optim/adamw.py` `_single_tensor_adamw`.
 * 3. fixtures/reference-tiny/README.md "`optimizer_steps`" (both rules, three steps, checked in tests).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedParameter, OptimizerRule, SafetensorsTensor, TrainingOptions } from '@normfree/core';
import { float32Tensor, tensorValues } from '@normfree/core';
import { hasFusedKernel, runFusedKernel } from '@normfree/core/tfjs';

export interface AdamWOptions {
  readonly rule: OptimizerRule;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Decoupled weight decay for parameters with `decay: true`; the others get 0. */
  readonly weightDecay: number;
}

/**
 * Optimizer state as plain values (no tensors), e.g. for a checkpoint: the update count t and the
 * first/second moments by parameter name.
 */
export interface OptimizerStateValues {
  readonly rule: OptimizerRule;
  /** Updates applied so far (Adam's t after the last update). */
  readonly step: number;
  readonly firstMoments: ReadonlyMap<string, SafetensorsTensor>;
  readonly secondMoments: ReadonlyMap<string, SafetensorsTensor>;
}

export interface AdamW {
  readonly rule: OptimizerRule;
  /** Updates applied so far. */
  readonly step: number;
  /**
   * Apply one update. Parameters without an entry in `gradients` are skipped entirely (as PyTorch
   * skips `p.grad is None`), decay included.
   *
   * @param gradients - by {@link NamedParameter.name}; not disposed (caller owns them).
   * @param learningRate - the scheduled rate for this update.
   */
  applyGradients(gradients: ReadonlyMap<string, tf.Tensor>, learningRate: number): void;
  /** Read the state as plain values (async: `data()` works on every backend). */
  exportState(): Promise<OptimizerStateValues>;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** The optimizer settings of a {@link TrainingOptions}. */
export function adamWOptionsFrom(options: TrainingOptions): AdamWOptions {
  return {
    rule: options.optimizer,
    beta1: options.beta1,
    beta2: options.beta2,
    epsilon: options.epsilon,
    weightDecay: options.weightDecay,
  };
}

interface Moments {
  readonly first: tf.Variable;
  readonly second: tf.Variable;
}

/**
 * Apply `steps` one after another, disposing each intermediate result once the next exists (not
 * `start`, which the caller owns). Caller owns the returned tensor.
 */
function chain(start: tf.Tensor, ...steps: Array<(x: tf.Tensor) => tf.Tensor>): tf.Tensor {
  let current = start;
  for (const step of steps) {
    const next = step(current);
    if (current !== start) current.dispose();
    current = next;
  }
  return current;
}

/**
 * Create an AdamW optimizer over `parameters`.
 *
 * @param parameters - the model's trainable parameters; `decay` selects the weight-decay group.
 * @param options - rule, betas, ε, weight decay (see {@link adamWOptionsFrom}).
 * @param state - resume from saved moments; its rule must match and every moment's shape must match
 *   its parameter (the error names the tensor).
 * @returns an optimizer holding 2 variables per updated parameter; call `dispose()` when done.
 */
export function createAdamW(
  parameters: readonly NamedParameter[],
  options: AdamWOptions,
  state?: OptimizerStateValues,
): AdamW {
  const { rule, beta1, beta2, epsilon, weightDecay } = options;
  if (rule !== 'adamw-hf' && rule !== 'adamw-torch')
    throw new RangeError(`AdamW: rule must be 'adamw-hf' or 'adamw-torch', got ${JSON.stringify(rule)}`);
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter]));
  const moments = new Map<string, Moments>();
  let step = 0;

  if (state !== undefined) {
    if (state.rule !== rule)
      throw new RangeError(`AdamW: saved optimizer state is for rule '${state.rule}', this optimizer uses '${rule}'`);
    step = state.step;
    for (const [name, first] of state.firstMoments) {
      const parameter = byName.get(name);
      const second = state.secondMoments.get(name);
      if (parameter === undefined)
        throw new RangeError(`AdamW: saved moment for '${name}', which is not a parameter of this model`);
      if (second === undefined)
        throw new RangeError(`AdamW: saved state has a first moment for '${name}' but no second moment`);
      for (const [which, saved] of [
        ['first', first],
        ['second', second],
      ] as const) {
        if (saved.shape.join(',') !== parameter.variable.shape.join(',')) {
          throw new RangeError(
            `AdamW: saved ${which} moment of '${name}' has shape [${saved.shape.join(', ')}], the parameter has [${parameter.variable.shape.join(', ')}]`,
          );
        }
      }
      // tf.variable shares the initial tensor's data; the tidy frees the initial tensor itself
      moments.set(
        name,
        tf.tidy(() => ({
          first: tf.variable(tf.tensor(tensorValues(first) as Float32Array, [...first.shape], 'float32'), false),
          second: tf.variable(tf.tensor(tensorValues(second) as Float32Array, [...second.shape], 'float32'), false),
        })),
      );
    }
  }

  const momentsOf = (parameter: NamedParameter): Moments => {
    let found = moments.get(parameter.name);
    if (found === undefined) {
      found = tf.tidy(() => ({
        first: tf.variable(tf.zerosLike(parameter.variable), false),
        second: tf.variable(tf.zerosLike(parameter.variable), false),
      }));
      moments.set(parameter.name, found);
    }
    return found;
  };

  const optimizer: AdamW = {
    rule,
    get step() {
      return step;
    },
    applyGradients(gradients, learningRate) {
      step += 1;
      const biasCorrection1 = 1 - beta1 ** step;
      const biasCorrection2 = 1 - beta2 ** step;
      for (const parameter of parameters) {
        const gradient = gradients.get(parameter.name);
        if (gradient === undefined) continue;
        const { first, second } = momentsOf(parameter);
        const decay = parameter.decay ? weightDecay : 0;
        if (gradient.dtype === 'float32' && hasFusedKernel('adamW')) {
          // The backend's fused step (`@normfree/core/tfjs`): the operations below, in their order, in one pass.
          const [updated, m, v] = runFusedKernel(
            'adamW',
            { param: parameter.variable, first, second, gradient },
            {
              torchRule: rule === 'adamw-torch',
              decay: decay > 0,
              beta1,
              beta2,
              epsilon,
              stepSize: (learningRate * Math.sqrt(biasCorrection2)) / biasCorrection1,
              decayRate: learningRate * decay,
              sqrtBias2: Math.sqrt(biasCorrection2),
              lrOverBias1: learningRate / biasCorrection1,
              keep: 1 - learningRate * decay,
            },
          ) as [tf.Tensor, tf.Tensor, tf.Tensor];
          first.assign(m);
          second.assign(v);
          parameter.variable.assign(updated);
          tf.dispose([updated, m, v]);
          continue;
        }
        // Each temporary is freed as soon as the next one exists (`chain`): a tidy around the
        // whole update held ~14 parameter-sized temporaries at once, 2.1 GB for GPT-2's (V, d)
        // embedding, past the wasm backend's 4 GB heap (docs/performance.md, "The paper's sizes on
        // CPU"). Same operations in the same order as before, so the same values.
        tf.tidy(() => {
          const p = parameter.variable;
          const scaledGradient = tf.mul(gradient, 1 - beta1); // (1−β1)·g
          const m = chain(
            first,
            (x) => tf.mul(x, beta1),
            (x) => tf.add(x, scaledGradient),
          ); // β1·m + (1−β1)·g
          scaledGradient.dispose();
          const scaledSquare = tf.tidy(() => tf.mul(tf.square(gradient), 1 - beta2)); // (1−β2)·g²
          const v = chain(
            second,
            (x) => tf.mul(x, beta2),
            (x) => tf.add(x, scaledSquare),
          ); // β2·v + (1−β2)·g²
          scaledSquare.dispose();
          let updated: tf.Tensor;
          if (rule === 'adamw-hf') {
            // transformers AdamW: p −= lr·√(1−β2^t)/(1−β1^t) · m/(√v + ε); then p −= lr·wd·p
            const stepSize = (learningRate * Math.sqrt(biasCorrection2)) / biasCorrection1;
            const adam = chain(
              v,
              tf.sqrt,
              (x) => tf.add(x, epsilon),
              (x) => tf.div(m, x),
              (x) => tf.mul(x, stepSize),
              (x) => tf.sub(p, x),
            );
            updated = decay > 0 ? tf.tidy(() => tf.sub(adam, tf.mul(adam, learningRate * decay))) : adam;
            if (updated !== adam) adam.dispose();
          } else {
            // torch.optim.AdamW: p ·= 1 − lr·wd; p −= lr/(1−β1^t) · m/(√v/√(1−β2^t) + ε)
            const stepTerm = chain(
              v,
              tf.sqrt,
              (x) => tf.div(x, Math.sqrt(biasCorrection2)),
              (x) => tf.add(x, epsilon),
              (x) => tf.div(m, x),
              (x) => tf.mul(x, learningRate / biasCorrection1),
            );
            updated = chain(stepTerm, (x) =>
              tf.tidy(() => tf.sub(decay > 0 ? tf.mul(p, 1 - learningRate * decay) : p, x)),
            );
          }
          first.assign(m);
          second.assign(v);
          p.assign(updated);
        });
      }
    },
    async exportState() {
      const firstMoments = new Map<string, SafetensorsTensor>();
      const secondMoments = new Map<string, SafetensorsTensor>();
      for (const parameter of parameters) {
        const found = moments.get(parameter.name);
        if (found === undefined) continue;
        firstMoments.set(parameter.name, float32Tensor((await found.first.data()) as Float32Array, found.first.shape));
        secondMoments.set(
          parameter.name,
          float32Tensor((await found.second.data()) as Float32Array, found.second.shape),
        );
      }
      return { rule, step, firstMoments, secondMoments };
    },
    dispose() {
      for (const { first, second } of moments.values()) {
        first.dispose();
        second.dispose();
      }
      moments.clear();
    },
    [Symbol.dispose]() {
      optimizer.dispose();
    },
  };
  return optimizer;
}
