/**
 * A plug-in activation, squared ReLU (max(x, 0)², "Primer", So et al. 2021, arXiv 2109.08668),
 * added through `@normfree/activations`' registry without editing any package.
 */
import { registerActivation, statelessActivation, type ActivationFactory } from '@normfree/activations';
import * as tf from '@tensorflow/tfjs-core';

/** The registry kind of this activation. */
export const squaredReluKind = 'squared-relu';

/** Builds one layer's squared ReLU: `apply(x) = relu(x)²`, no variables. */
export const squaredReluFactory: ActivationFactory = (_spec, context) =>
  statelessActivation({
    kind: squaredReluKind,
    layer: context.layer,
    apply: (x) => tf.tidy(() => tf.square(tf.relu(x))), // same shape as x
  });

/** Register `squared-relu` (idempotent: replaces an earlier registration of this plug-in). */
export function registerSquaredRelu(): void {
  registerActivation(squaredReluKind, squaredReluFactory, { replace: true });
}
