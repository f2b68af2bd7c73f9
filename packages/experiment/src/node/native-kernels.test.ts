// Own file: registering native kernels changes this worker's wasm backend for good.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@normfree/backend';
import { loadAddon } from '@normfree/backend-native';
import { describe, expect, it } from 'vitest';
import { backendLabel, enableNativeKernels } from './native-kernels.js';

describe('native kernels for the CLI', () => {
  it('should name the backend with the SIMD level only when native kernels are on', () => {
    expect(backendLabel('wasm', undefined)).toBe('wasm');
    expect(backendLabel('wasm', { enabled: false, reason: 'no addon', simd: null, kernels: [] })).toBe('wasm');
    expect(backendLabel('wasm', { enabled: true, reason: '', simd: 'avx2+fma', kernels: ['BatchMatMul'] })).toBe(
      'wasm+native (avx2+fma)',
    );
  });

  it('should register the kernels on wasm when the addon is built, and say why not otherwise', async () => {
    const previous = tf.getBackend();
    await selectBackend({ prefer: 'wasm', quiet: true });
    try {
      const addon = loadAddon();
      const status = await enableNativeKernels({ kernels: ['BatchMatMul'] });
      if (addon.addon === null) {
        expect(status).toMatchObject({ enabled: false, simd: null, kernels: [] });
        expect(status.reason).toContain(addon.reason);
        return;
      }
      expect(status).toMatchObject({ enabled: true, kernels: ['BatchMatMul'] });
      expect(status.simd).toMatch(/^(avx512|avx2\+fma|scalar)$/);
      expect(status.threads).toBe(addon.addon.info().threads); // unchanged without a count
      expect((await enableNativeKernels({ kernels: ['BatchMatMul'], threads: 1 })).threads).toBe(1);
      // The served product still computes the product (tolerance: float32 rounding of 3-term sums).
      const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[4], [5], [6]])));
      expect((await product.data())[0]).toBeCloseTo(32, 5);
      product.dispose();
    } finally {
      loadAddon().addon?.setThreads(availableParallelism());
      await tf.setBackend(previous);
    }
  });
});
