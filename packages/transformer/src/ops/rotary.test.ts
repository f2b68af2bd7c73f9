import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRotary, rotaryTables } from './rotary.js';

/** Rotations in float32 of O(1) values. */
const ABSOLUTE = 1e-5;

afterEach(() => {
  tf.disposeVariables();
});

describe('applyRotary', () => {
  const options = { batchSize: 2, seqLen: 5, nHead: 2, rotaryDims: 4, base: 10000 };

  it('preserves the norm of every head at every position', () => {
    const [before, after] = tf.tidy(() => {
      const x = tf.randomNormal([10, 16], 0, 1, 'float32', 3) as tf.Tensor2D;
      const norms = (t: tf.Tensor): Float32Array =>
        tf.norm(tf.reshape(t, [10, 2, 8]), 'euclidean', -1).dataSync() as Float32Array;
      return [norms(x), norms(applyRotary(x, options))];
    });
    before.forEach((norm, index) => expect(Math.abs(after[index]! - norm)).toBeLessThanOrEqual(ABSOLUTE));
  });

  it('leaves position 0 and the non-rotary dims unchanged and rotates later positions', () => {
    const [x, y] = tf.tidy(() => {
      const input = tf.randomNormal([10, 16], 0, 1, 'float32', 4) as tf.Tensor2D;
      return [input.arraySync(), applyRotary(input, options).arraySync()];
    });
    for (const row of [0, 5])
      y[row]!.forEach((value, column) => expect(Math.abs(value - x[row]![column]!)).toBeLessThanOrEqual(ABSOLUTE)); // t = 0 in each batch
    for (const row of [1, 2, 3, 4]) {
      for (const column of [4, 5, 6, 7, 12, 13, 14, 15]) expect(y[row]![column]).toBe(x[row]![column]); // dims ≥ rotaryDims pass through
      expect(y[row]![0]).not.toBeCloseTo(x[row]![0]!, 4);
    }
  });

  it('makes q·k depend only on the relative position', () => {
    const dot = (qPosition: number, kPosition: number): number =>
      tf.tidy(() => {
        const vector = [0.3, -1.2, 0.8, 0.5];
        const other = [1.1, 0.4, -0.7, 0.9];
        const rotateAll = (values: number[]): tf.Tensor2D =>
          // the same vector at every position, rotated by its position
          applyRotary(tf.tensor2d(Array.from({ length: 6 }, () => values)), {
            batchSize: 1,
            seqLen: 6,
            nHead: 1,
            rotaryDims: 4,
            base: 10000,
          });
        const query = tf.slice(rotateAll(vector), [qPosition, 0], [1, 4]); // (1, 4)
        const key = tf.slice(rotateAll(other), [kPosition, 0], [1, 4]); // (1, 4)
        return tf.sum(tf.mul(query, key)).dataSync()[0]!;
      });
    expect(Math.abs(dot(3, 1) - dot(5, 3))).toBeLessThanOrEqual(ABSOLUTE);
    expect(Math.abs(dot(3, 1) - dot(3, 2))).toBeGreaterThan(1e-3);
  });

  it('uses GPT-NeoX frequencies base^(−2j/r), repeated for both halves', () => {
    const { cos } = rotaryTables(2, 4, 10000);
    expect(cos[4]).toBeCloseTo(Math.cos(1), 6); // t = 1, j = 0
    expect(cos[5]).toBeCloseTo(Math.cos(0.01), 6); // t = 1, j = 1: 10000^(−2/4)
    expect(cos[6]).toBeCloseTo(Math.cos(1), 6); // second half repeats
  });

  it('rejects an odd rotary width, naming it', () => {
    const x = tf.zeros([2, 8]) as tf.Tensor2D;
    expect(() => applyRotary(x, { batchSize: 1, seqLen: 2, nHead: 1, rotaryDims: 3, base: 10000 })).toThrow(
      'rotaryDims must be even and at most the head dim 8, got 3',
    );
    x.dispose();
  });
});
