/**
 * Leaky ReLU with a learnable negative slope: the authors' `LearnableLeakyReLU`
 * (model_utils.py:326-363, paper-reference §4), `where(x >= 0, x, a·x)` with `a` a float32 variable.
 *
 * Storage, by mode (paper-reference §4 and §2 item 6):
 * - `per-layer` (default `authorsVectorLayout: true`): layer l owns `…h.{l}.mlp.act.slopes` of shape
 *   (nLayer,), initialised to `initialSlope`, and uses element [l] (model_utils.py:345-346, 354-356).
 *   The other elements get no gradient; only weight decay moves them. `authorsVectorLayout: false`
 *   stores one (1,) scalar per layer instead.
 * - `global`: ONE (1,) variable shared by every layer (`transformer.act.global_slope`), as the paper
 *   describes it.
 * - `global` with `authorsGlobal: true`: what the authors' code actually does: every layer owns its
 *   own (1,) scalar `…h.{l}.mlp.act.slopes` (model_utils.py:343-344), i.e. per-layer in effect.
 *
 * Every slope is in the weight-decay group, as in the authors' optimizer (paper-reference §2 item 7).
 * No clamp: a slope may go negative, as in the reference.
 */
import type { LearnableLeakyReluSpec, NamedParameter } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, ActivationContext } from './api.js';
import { leakyReluWhere } from './ops/leaky-relu.js';

/** The storage layout chosen for a learnable slope; see the file header. */
export type SlopeLayout = 'authors-vector' | 'layer-scalar' | 'shared-scalar';

/** Which layout a spec selects (pure; no tensors). */
export function slopeLayout(
  spec: Pick<LearnableLeakyReluSpec, 'mode' | 'authorsGlobal' | 'authorsVectorLayout'>,
): SlopeLayout {
  if (spec.mode === 'global') return spec.authorsGlobal === true ? 'layer-scalar' : 'shared-scalar';
  return spec.authorsVectorLayout === false ? 'layer-scalar' : 'authors-vector';
}

/**
 * Create one layer's learnable leaky ReLU.
 *
 * @param spec - mode, initialSlope (the authors start at 0.01), authorsGlobal, authorsVectorLayout.
 * @param context - layer, nLayer and naming, from {@link createActivations}.
 * @returns an activation whose `apply(x)` gives `where(x >= 0, x, a·x)` (caller owns the result) and
 *   whose `parameters` hold the variable this layer owns (none in shared `global` mode: the shared
 *   slope is listed by the activation set).
 * @throws Error naming the field when `mode` or `initialSlope` is invalid.
 * @remarks The authors' "global" mode is per-layer in effect (model_utils.py:343-344); pass
 *   `authorsGlobal: true` to reproduce it, or leave it unset for the paper's one shared slope.
 */
export function createLearnableLeakyRelu(spec: LearnableLeakyReluSpec, context: ActivationContext): Activation {
  if (spec.mode !== 'per-layer' && spec.mode !== 'global') {
    throw new Error(`learnable-leaky-relu: mode must be 'per-layer' or 'global', got ${JSON.stringify(spec.mode)}`);
  }
  if (typeof spec.initialSlope !== 'number' || !Number.isFinite(spec.initialSlope)) {
    throw new Error(
      `learnable-leaky-relu: initialSlope must be a finite number, got ${JSON.stringify(spec.initialSlope)}`,
    );
  }
  const { layer, nLayer } = context;
  const layout = slopeLayout(spec);
  const scalar = (name: string): NamedParameter => ({
    name,
    variable: tf.tidy(() => tf.variable(tf.fill([1], spec.initialSlope), true)), // (1,); tidy frees the initial value
    decay: true, // slopes are in the authors' weight-decay group (train_utils.py:90-108)
  });
  const owned: NamedParameter[] = [];
  let slopeParameter: NamedParameter;
  if (layout === 'shared-scalar') {
    slopeParameter = context.shared('global_slope', scalar);
  } else if (layout === 'layer-scalar') {
    slopeParameter = scalar(context.layerParameterName('slopes'));
    owned.push(slopeParameter);
  } else {
    slopeParameter = {
      name: context.layerParameterName('slopes'),
      variable: tf.tidy(() => tf.variable(tf.fill([nLayer], spec.initialSlope), true)), // (nLayer,), element [layer] used
      decay: true,
    };
    owned.push(slopeParameter);
  }
  // (1,) view of this layer's slope; slice (not gather) so the backward is a pad, which every backend has
  const currentSlope = (): tf.Tensor1D =>
    layout === 'authors-vector'
      ? tf.slice(slopeParameter.variable as tf.Tensor1D, [layer], [1])
      : (slopeParameter.variable as tf.Tensor1D);
  return {
    kind: 'learnable-leaky-relu',
    layer,
    parameters: owned,
    apply: (x) => tf.tidy(() => leakyReluWhere(x, currentSlope())), // same shape as x
    slope: () => {
      const values = slopeParameter.variable.dataSync(); // note: a data read (GPU sync on webgl/webgpu)
      return values[layout === 'authors-vector' ? layer : 0];
    },
    dispose: () => {
      for (const parameter of owned) parameter.variable.dispose();
    },
  };
}
