/**
 * Test helpers for the activation zoo, exported as `@normfree/activations/testing`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation, ActivationFactory } from '../api.js';
import { statelessActivation } from '../stateless-activation.js';

/**
 * A factory that records each call (layer and spec) and builds a scaled-identity activation
 * (`apply(x) = factor·x`, factor from the spec's `factor` field, default 1). Register it under a
 * kind of your own to check that a model builds its activations through the registry.
 */
export function createRecordingActivationFactory(): ActivationFactory & {
  readonly calls: Array<{ layer: number; kind: string }>;
} {
  const calls: Array<{ layer: number; kind: string }> = [];
  const factory = ((spec, context): Activation => {
    calls.push({ layer: context.layer, kind: spec.kind });
    const requested = (spec as { factor?: unknown }).factor;
    const factor = typeof requested === 'number' ? requested : 1;
    return statelessActivation({ kind: spec.kind, layer: context.layer, apply: (x) => tf.mul(x, factor) });
  }) as ActivationFactory & { calls: Array<{ layer: number; kind: string }> };
  factory.calls = calls;
  return factory;
}
