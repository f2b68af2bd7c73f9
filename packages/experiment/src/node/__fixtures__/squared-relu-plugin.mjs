// A plug-in activation module as a user writes one for `--activation-module`: plain JavaScript that
// registers its kind when imported. Used by the fork-executor and CLI tests.
import { registerActivation, statelessActivation } from '@normfree/activations';
import * as tf from '@tensorflow/tfjs-core';

registerActivation(
  'test-squared-relu',
  (_spec, context) => statelessActivation({ kind: 'test-squared-relu', layer: context.layer, apply: (x) => tf.tidy(() => tf.square(tf.relu(x))) }),
  { replace: true },
);
