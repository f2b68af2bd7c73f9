import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { embedding } from './embedding.js';

afterEach(() => {
  tf.disposeVariables();
});

describe.each(['cpu', 'wasm'] as const)('embedding on %s', (backend) => {
  it('gathers rows and sums the gradients of repeated ids (no UnsortedSegmentSum needed)', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    const upstream = tf.tensor2d([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ]);
    const before = tf.memory().numTensors;
    const rows = embedding(table, ids);
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(embedding(x as tf.Tensor2D, ids), upstream)))(table);
    expect(rows.arraySync()).toEqual([
      [5, 6],
      [1, 2],
      [5, 6],
      [5, 6],
    ]);
    expect(gradient.arraySync()).toEqual([
      [2, 20],
      [0, 0],
      [8, 80],
    ]); // exact: small integers
    tf.dispose([rows, gradient]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, ids, upstream]);
    await tf.setBackend('cpu');
  });
});

describe('embedding', () => {
  it('names a non-integer id tensor', () => {
    const table = tf.zeros([2, 2]) as tf.Tensor2D;
    const ids = tf.tensor1d([0]);
    expect(() => embedding(table, ids)).toThrow('ids must be int32, got float32');
    tf.dispose([table, ids]);
  });
});
