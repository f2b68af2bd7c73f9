import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy.js';

/** vs TF.js's log-softmax formulation; O(1) values, float32 rounding. */
const ABSOLUTE = 2e-6;

afterEach(() => {
  tf.disposeVariables();
});

describe.each(['cpu', 'wasm'] as const)('crossEntropy on %s', (backend) => {
  it('equals mean −log softmax[label] and its gradient (softmax − onehot)/N', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const logits = tf.randomNormal([6, 7], 0, 3, 'float32', 5) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 6, 3, 3, 1, 2], 'int32');
    const before = tf.memory().numTensors;
    const reference = (x: tf.Tensor): tf.Scalar =>
      tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x), tf.cast(tf.oneHot(labels, 7), 'float32')), -1)));
    const [ours, expected] = tf.tidy(() => [crossEntropy(logits, labels), reference(logits)]);
    const [gradient, expectedGradient] = tf.tidy(() => [
      tf.grad((x: tf.Tensor) => crossEntropy(x as tf.Tensor2D, labels))(logits),
      tf.grad(reference)(logits),
    ]);
    expect(Math.abs(ours.dataSync()[0]! - expected.dataSync()[0]!)).toBeLessThanOrEqual(ABSOLUTE);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(gradient, expectedGradient))).dataSync()[0]!)).toBeLessThanOrEqual(
      ABSOLUTE,
    );
    tf.dispose([ours, expected, gradient, expectedGradient]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
    await tf.setBackend('cpu');
  });

  it("stays finite when the label's probability underflows float32", async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const loss = tf.tidy(() => crossEntropy(tf.tensor2d([[0, 200]]), tf.tensor1d([0], 'int32')).dataSync()[0]!);
    expect(loss).toBeCloseTo(200, 3);
    await tf.setBackend('cpu');
  });
});

describe('crossEntropy', () => {
  it('names mismatched rows and label dtypes', () => {
    const logits = tf.zeros([2, 3]) as tf.Tensor2D;
    const labels = tf.tensor1d([0], 'int32');
    const floats = tf.tensor1d([0, 1]);
    expect(() => crossEntropy(logits, labels)).toThrow('2 rows of logits but 1 labels');
    expect(() => crossEntropy(logits, floats)).toThrow('labels must be int32, got float32');
    tf.dispose([logits, labels, floats]);
  });
});
