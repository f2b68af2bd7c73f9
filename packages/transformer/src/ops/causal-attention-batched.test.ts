import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { fastBatchedProducts, setFastBatchedProducts } from '@normfree/core/tfjs';
import { causalAttention } from './causal-attention.js';

/** Same products in another grouping: float32 rounding only. */
const ABSOLUTE = 1e-6;

afterEach(() => {
  setFastBatchedProducts('');
  tf.disposeVariables();
});

describe.each(['cpu', 'wasm'] as const)('causalAttention with fast batched products on %s', (backend) => {
  it('takes the batched path only when the flag names the current backend', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    setFastBatchedProducts('');
    expect(fastBatchedProducts()).toBe(false);
    setFastBatchedProducts(backend === 'cpu' ? 'wasm' : 'cpu');
    expect(fastBatchedProducts()).toBe(false);
    setFastBatchedProducts(backend);
    expect(fastBatchedProducts()).toBe(true);
  });

  it("gives the per-block path's output and q, k, v gradients within 1e-6, without leaking tensors", async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const [B, T, nh, width] = [2, 7, 3, 12];
    const q = tf.randomNormal([B * T, width], 0, 1, 'float32', 11) as tf.Tensor2D;
    const k = tf.randomNormal([B * T, width], 0, 1, 'float32', 12) as tf.Tensor2D;
    const v = tf.randomNormal([B * T, width], 0, 1, 'float32', 13) as tf.Tensor2D;
    const weights = tf.randomNormal([B * T, width], 0, 1, 'float32', 14);
    const options = { batchSize: B, seqLen: T, nHead: nh };
    const run = (): tf.Tensor[] => {
      const gradients = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
        tf.sum(tf.mul(weights, causalAttention(x as tf.Tensor2D, y as tf.Tensor2D, z as tf.Tensor2D, options))),
      )([q, k, v]);
      return [causalAttention(q, k, v, options), ...gradients];
    };
    setFastBatchedProducts('');
    const perBlock = run();
    setFastBatchedProducts(backend);
    const before = tf.memory().numTensors;
    const batched = run();
    expect(tf.memory().numTensors).toBe(before + batched.length);
    const worst = batched.map((tensor, index) =>
      tf.tidy(() => tf.max(tf.abs(tf.sub(tensor, perBlock[index]!))).dataSync()[0]!),
    );
    for (const error of worst) expect(error).toBeLessThanOrEqual(ABSOLUTE);
    tf.dispose([...perBlock, ...batched, q, k, v, weights]);
  });
});
