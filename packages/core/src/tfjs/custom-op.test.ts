import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { customOp } from './custom-op.js';

/** float32 products of small integers: exact in principle; 1e-6 leaves room for kernel rounding only. */
const absoluteTolerance = 1e-6;

afterEach(() => {
  tf.disposeVariables();
});

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, index) =>
    expect(Math.abs(actual[index]! - value), `element ${index}`).toBeLessThanOrEqual(absoluteTolerance),
  );
}

describe('customOp', () => {
  it('uses the hand-written backward instead of autodiff (a straight-through round)', async () => {
    const before = tf.memory().numTensors;
    // round() has zero gradient almost everywhere; the straight-through backward passes dy unchanged
    const straightThroughRound = customOp(([x]: [tf.Tensor]) => ({ value: tf.round(x), gradFunc: (dy) => dy }));
    const x = tf.tensor1d([0.2, 1.7, -2.4]);
    const { value, grad } = tf.valueAndGrad((input: tf.Tensor) =>
      tf.sum(tf.mul(straightThroughRound(input), tf.tensor1d([1, 2, 3]))),
    )(x);
    expectClose(await value.data(), [0 + 2 * 2 + 3 * -2]);
    expectClose(await grad.data(), [1, 2, 3]);
    tf.dispose([x, value, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hands the saved tensors to the backward and returns one gradient per input, in order', async () => {
    const before = tf.memory().numTensors;
    const product = customOp(([a, b]: [tf.Tensor, tf.Tensor], save) => {
      save([a, b]);
      return {
        value: tf.mul(a, b),
        gradFunc: (dy, saved) => {
          const [savedA, savedB] = saved as [tf.Tensor, tf.Tensor];
          return [tf.mul(dy, savedB), tf.mul(dy, savedA)]; // d(ab)/da = b, d(ab)/db = a
        },
      };
    });
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([4, 5, 6]);
    const [gradA, gradB] = tf.grads((left: tf.Tensor, right: tf.Tensor) => tf.sum(product(left, right)))([a, b]);
    expectClose(await gradA!.data(), [4, 5, 6]);
    expectClose(await gradB!.data(), [1, 2, 3]);
    tf.dispose([a, b, gradA!, gradB!]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
