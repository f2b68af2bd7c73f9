import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { causalAttention } from './causal-attention.js';

/** Our per-block formulation vs TF.js autodiff through batched matMul; float32 rounding on O(1) values. */
const ABSOLUTE = 2e-6;

afterEach(() => {
  tf.disposeVariables();
});

/** The textbook formulation with TF.js's own gradients: batched, transposed matmuls and tf.where. */
function naiveAttention(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, B: number, T: number, nh: number): tf.Tensor2D {
  const hs = q.shape[1] / nh;
  const heads = (x: tf.Tensor): tf.Tensor4D => tf.transpose(tf.reshape(x, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
  const scores = tf.div(tf.matMul(heads(q), heads(k), false, true), Math.sqrt(hs)); // (B, nh, T, T)
  const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // lower triangle
  const probs = tf.softmax(tf.where(tf.cast(mask, 'bool'), scores, tf.fill(scores.shape, -3.4028234663852886e38)));
  return tf.reshape(tf.transpose(tf.matMul(probs, heads(v)), [0, 2, 1, 3]), [B * T, nh * hs]);
}

describe.each(['cpu', 'wasm'] as const)('causalAttention on %s', (backend) => {
  it('matches the textbook formulation forward and in the gradients of q, k and v', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const [B, T, nh, width] = [2, 5, 3, 12];
    const q = tf.randomNormal([B * T, width], 0, 1, 'float32', 1) as tf.Tensor2D;
    const k = tf.randomNormal([B * T, width], 0, 1, 'float32', 2) as tf.Tensor2D;
    const v = tf.randomNormal([B * T, width], 0, 1, 'float32', 3) as tf.Tensor2D;
    const weights = tf.randomNormal([B * T, width], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const objective = (attend: typeof naiveAttention) => (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
      tf.sum(tf.mul(weights, attend(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor2D, B, T, nh)));
    const ours = tf.grads(objective((x, y, z) => causalAttention(x, y, z, { batchSize: B, seqLen: T, nHead: nh })))([
      q,
      k,
      v,
    ]);
    const reference = tf.grads(objective(naiveAttention))([q, k, v]);
    const worst = tf.tidy(() =>
      [
        tf.sub(causalAttention(q, k, v, { batchSize: B, seqLen: T, nHead: nh }), naiveAttention(q, k, v, B, T, nh)),
        ...ours.map((gradient, index) => tf.sub(gradient, reference[index]!)),
      ].map((difference) => tf.max(tf.abs(difference)).dataSync()[0]!),
    );
    for (const error of worst) expect(error).toBeLessThanOrEqual(ABSOLUTE);
    tf.dispose([...ours, ...reference]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([q, k, v, weights]);
    await tf.setBackend('cpu');
  });
});

describe('causalAttention', () => {
  it('gives position 0 all its weight on itself and zeroes the upper triangle', () => {
    const probabilities: number[][][] = [];
    tf.tidy(() => {
      const x = tf.randomNormal([4, 4], 0, 1, 'float32', 9) as tf.Tensor2D;
      causalAttention(x, x, x, {
        batchSize: 1,
        seqLen: 4,
        nHead: 1,
        onProbabilities: (probs) => probabilities.push(...(probs.arraySync()[0] as number[][][])),
      });
    });
    const rows = probabilities[0]!;
    expect(rows[0]).toEqual([1, 0, 0, 0]);
    rows.forEach((row, query) =>
      row.forEach((value, key) => {
        if (key > query) expect(value).toBe(0);
      }),
    );
  });

  it('names the offending shape', () => {
    const x = tf.zeros([6, 4]) as tf.Tensor2D;
    expect(() => causalAttention(x, x, x, { batchSize: 2, seqLen: 2, nHead: 2 })).toThrow(
      'q must be (B·T, width) = (4, 4), got [6, 4]',
    );
    expect(() => causalAttention(x, x, x, { batchSize: 3, seqLen: 2, nHead: 3 })).toThrow(
      'width 4 is not divisible by nHead 3',
    );
    x.dispose();
  });
});
