// A plug-in activation module as a user writes one for `--activation-module`: plain JavaScript that
// registers its kind when imported, with a text parser so `--activation squared-relu:<power>` works.
import { registerActivation, statelessActivation } from '@normfree/activations';
import * as tf from '@tensorflow/tfjs-core';

registerActivation(
  'squared-relu',
  (spec, context) => {
    const power = spec.power ?? 2;
    return statelessActivation({ kind: 'squared-relu', layer: context.layer, apply: (x) => tf.tidy(() => tf.pow(tf.relu(x), power)) });
  },
  {
    replace: true,
    parse: (parameters, text) => {
      if (parameters.length === 0) return { kind: 'squared-relu' };
      const power = Number(parameters[0]);
      if (parameters.length > 1 || !Number.isFinite(power) || power <= 0) throw new Error(`activation '${text}': write squared-relu[:<power>] with a positive power`);
      return { kind: 'squared-relu', power };
    },
  },
);
