import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createLeakyRelu } from './leaky-relu.js';
import { createRelu } from './relu.js';
import { createIdentity } from './identity.js';

afterEach(() => {
  tf.disposeVariables();
});

describe('createLeakyRelu', () => {
  it('equals relu exactly when the slope is 0', () => {
    const before = tf.memory().numTensors;
    const leaky = createLeakyRelu({ slope: 0 });
    const relu = createRelu();
    const [a, b] = tf.tidy(() => {
      const x = tf.randomNormal([64], 0, 3, 'float32', 7);
      return [leaky.apply(x).dataSync(), relu.apply(x).dataSync()];
    });
    expect(Array.from(a).map((value) => value + 0)).toEqual(Array.from(b)); // +0 folds −0 into 0
    expect(leaky.parameters).toEqual([]);
    expect(leaky.slope()).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('applies the given slope to negative inputs', () => {
    const values = tf.tidy(() =>
      createLeakyRelu({ slope: 0.1 })
        .apply(tf.tensor1d([-5, 5]))
        .dataSync(),
    );
    expect(values[0]).toBeCloseTo(-0.5, 6);
    expect(values[1]).toBe(5);
  });

  it.each([[undefined], [Number.NaN], ['0.1']])('rejects slope %j with a message naming it', (slope) => {
    expect(() => createLeakyRelu({ slope } as unknown as { slope: number })).toThrow(
      /leaky-relu: slope must be a finite number .*got/,
    );
  });

  it('has an identity activation that returns a new tensor equal to its input', () => {
    const identity = createIdentity({ layer: 2 });
    const x = tf.tensor1d([-1, 2]);
    const y = identity.apply(x);
    expect(y).not.toBe(x);
    expect(Array.from(y.dataSync())).toEqual([-1, 2]);
    expect(identity.layer).toBe(2);
    tf.dispose([x, y]);
  });
});
