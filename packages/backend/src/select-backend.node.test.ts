import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseBackend, selectBackend } from './select-backend.node.js';

function recorder(): { log: (message: string) => void; messages: string[] } {
  const messages: string[] = [];
  return { log: (message) => messages.push(message), messages };
}

afterAll(() => {
  releaseBackend();
});

describe('selectBackend in Node', () => {
  it('should pick wasm by default, with SIMD and one thread', async () => {
    const { log, messages } = recorder();
    const selected = await selectBackend({ log });
    expect(selected.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selected.info).toMatch(/^wasm SIMD, 1 thread/);
    expect(selected.skipped).toEqual([]);
    expect(messages).toEqual([]);
  });

  it('should register gradients so that tf.grad works on the chosen backend', async () => {
    await selectBackend({ prefer: 'cpu', quiet: true });
    // d/dx of sum(-x²) = -2x; fails with "gradient function not found for Neg" without registration.
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.neg(tf.square(x))))(tf.tensor1d([1, -2, 3]));
    expect(Array.from(await gradient.data())).toEqual([-2, 4, -6]);
  });

  it('should fall back from tensorflow (tfjs-node cannot be installed here) to wasm, printing why', async () => {
    const { log, messages } = recorder();
    const selected = await selectBackend({ prefer: 'tensorflow', log });
    expect(selected.name).toBe('wasm');
    expect(selected.skipped).toHaveLength(1);
    expect(selected.skipped[0]?.name).toBe('tensorflow');
    expect(selected.skipped[0]?.reason).toMatch(
      /the tensorflow backend needs @tensorflow\/tfjs-node-gpu .*: neither is installed.*use the wasm backend/,
    );
    expect(messages[0]).toMatch(/^\[normfree\] backend 'tensorflow' unavailable: the tensorflow backend needs/);
    expect(messages[1]).toMatch(/^\[normfree\] using backend 'wasm'/);
  });

  it('should throw with the reason when strict and the preferred backend is missing', async () => {
    await expect(selectBackend({ prefer: 'tensorflow', strict: true, quiet: true })).rejects.toThrow(
      /backend 'tensorflow' \(strict\) could not be initialised: tensorflow: the tensorflow backend needs/,
    );
  });

  it('should say that webgl is a browser backend', async () => {
    const selected = await selectBackend({ prefer: 'webgl', quiet: true });
    expect(selected.name).toBe('wasm');
    expect(selected.skipped).toEqual([
      { name: 'webgl', reason: "'webgl' is not available in Node (it runs in: the browser)" },
    ]);
  });

  it('should not log when quiet', async () => {
    const { log, messages } = recorder();
    await selectBackend({ prefer: 'webgl', quiet: true, log });
    expect(messages).toEqual([]);
  });

  it('should pick webgpu only on a hardware adapter, and skip it with the reason otherwise', async () => {
    const selected = await selectBackend({ prefer: 'webgpu', quiet: true });
    if (selected.name === 'webgpu') {
      // A machine with a real GPU and a Vulkan driver.
      expect(selected.adapter?.software).toBe(false);
      expect(selected.info).toMatch(/^WebGPU through dawn\.node: /);
      const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
      expect(Array.from(await product.data())).toEqual([11]);
    } else {
      // These CI machines: no Vulkan loader (no adapter), or only lavapipe/SwiftShader (software).
      expect(selected.name).toBe('wasm');
      expect(selected.skipped[0]?.name).toBe('webgpu');
      expect(selected.skipped[0]?.reason).toMatch(/no WebGPU adapter|software rasteriser|'webgpu' package/);
      expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
    }
    releaseBackend();
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
  });

  it('should switch backends and keep computing the same values', async () => {
    await selectBackend({ prefer: 'cpu', strict: true, quiet: true });
    const onCpu = await tf.softmax(tf.tensor1d([1, 2, 3])).data();
    await selectBackend({ prefer: 'wasm', strict: true, quiet: true });
    const onWasm = await tf.softmax(tf.tensor1d([1, 2, 3])).data();
    for (let index = 0; index < 3; index++) expect(Math.abs(onWasm[index]! - onCpu[index]!)).toBeLessThan(1e-6);
  });
});
