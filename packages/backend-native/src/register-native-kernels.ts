/**
 * Replace TF.js kernels of the `wasm` backend with native (C++/SIMD) ones that work on the wasm heap
 * in place. The original kernels are kept: a native kernel hands calls it does not support (dtype,
 * broadcasting pattern) back to them, and {@link unregisterNativeKernels} restores them.
 *
 * References: toolchain.md §11.9 (zero-copy on the wasm heap, kernel overrides, measured speed-ups).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { setFastBatchedProducts } from '@normfree/core/tfjs';
import { loadAddon, type NativeAddon } from './addon.js';
import type { NativeKernelsStatus, RegisterNativeKernelsOptions, SimdLevel } from './api.js';
import { batchMatMulKernel } from './kernels/batch-mat-mul.js';
import { equalKernel, erfKernel, expKernel, softmaxKernel, tanhKernel } from './kernels/elementwise.js';
import { gatherV2Kernel, packKernel, tileKernel, unpackKernel } from './kernels/data-movement.js';
import { addKernel, multiplyKernel, realDivKernel, sliceKernel, splitVKernel, subKernel, sumKernel, maxKernel, transposeKernel } from './kernels/strided.js';
import type { NativeKernel } from './kernels/native-kernel.js';
import { isWasmBackend } from './kernels/wasm-heap.js';

const allKernels: readonly NativeKernel[] = [
  batchMatMulKernel, expKernel, tanhKernel, softmaxKernel, equalKernel, unpackKernel, packKernel, tileKernel,
  transposeKernel, sliceKernel, splitVKernel, addKernel, subKernel, multiplyKernel, realDivKernel, sumKernel,
  gatherV2Kernel, maxKernel, erfKernel,
];

/** TF.js kernel names that have a native implementation. */
export const nativeKernelNames: readonly string[] = allKernels.map((kernel) => kernel.kernelName);

/** Original wasm kernels replaced by native ones, by kernel name. */
const originals = new Map<string, KernelConfig>();

function disabled(reason: string, log: RegisterNativeKernelsOptions['log']): NativeKernelsStatus {
  if (log !== null) (log ?? ((message: string) => console.warn(message)))(`[normfree] native kernels disabled, using plain wasm: ${reason}`);
  return { enabled: false, reason, kernels: [], simd: null, threads: null };
}

function wrap(kernel: NativeKernel, original: KernelConfig, addon: NativeAddon): KernelFunc {
  return (args) => {
    const { backend } = args;
    if (isWasmBackend(backend)) {
      const result = kernel.run({ inputs: args.inputs, attrs: args.attrs ?? {}, backend, addon });
      if (result !== null) return result;
    }
    return original.kernelFunc(args) as TensorInfo | TensorInfo[];
  };
}

/**
 * Register native kernels on the `wasm` backend (idempotent). Never throws for a missing or unloadable
 * addon: it returns `enabled: false` with the reason (and prints it unless `log: null`).
 *
 * @example
 * ```ts
 * await selectBackend({ prefer: 'wasm' });
 * const status = registerNativeKernels({ backend: 'wasm' });
 * // { enabled: true, kernels: ['BatchMatMul', 'Exp', 'Tanh', 'Softmax', …], simd: 'avx512', threads: 2, reason: '…' }
 * ```
 */
export function registerNativeKernels(options: RegisterNativeKernelsOptions): NativeKernelsStatus {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`threads must be a whole number ≥ 1, got ${options.threads}`);
  }
  if (options.backend !== 'wasm') return disabled(`backend '${String(options.backend)}' is not supported (only 'wasm')`, options.log);
  const loaded = loadAddon();
  if (loaded.addon === null) return disabled(loaded.reason, options.log);
  const { addon } = loaded;
  let simd: SimdLevel = addon.info().simd;
  if (options.simd !== undefined) simd = addon.setSimd(options.simd);
  const threads = options.threads === undefined ? addon.info().threads : addon.setThreads(options.threads);
  const wanted = options.kernels ?? nativeKernelNames;
  const unknown = wanted.filter((name) => !nativeKernelNames.includes(name));
  if (unknown.length > 0) throw new RangeError(`no native kernel for ${unknown.join(', ')}; known: ${nativeKernelNames.join(', ')}`);
  const registered: string[] = [];
  for (const kernel of allKernels) {
    if (!wanted.includes(kernel.kernelName)) continue;
    const original = originals.get(kernel.kernelName) ?? tf.getKernel(kernel.kernelName, 'wasm');
    if (original === undefined) {
      return disabled(`kernel '${kernel.kernelName}' is not registered for 'wasm': import @tensorflow/tfjs-backend-wasm first`, options.log);
    }
    if (originals.has(kernel.kernelName)) tf.unregisterKernel(kernel.kernelName, 'wasm');
    else {
      originals.set(kernel.kernelName, original);
      tf.unregisterKernel(kernel.kernelName, 'wasm');
    }
    const config: KernelConfig = { kernelName: kernel.kernelName, backendName: 'wasm', kernelFunc: wrap(kernel, original, addon) };
    tf.registerKernel(original.setupFunc === undefined ? config : { ...config, setupFunc: original.setupFunc });
    registered.push(kernel.kernelName);
  }
  if (registered.includes('BatchMatMul')) setFastBatchedProducts('wasm');
  return { enabled: true, reason: `native ${simd} kernels (${threads} thread${threads === 1 ? '' : 's'}) from ${loaded.path}`, kernels: registered, simd, threads };
}

/** Restore the original wasm kernels replaced by {@link registerNativeKernels}. */
export function unregisterNativeKernels(): void {
  for (const [name, original] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
  originals.clear();
  setFastBatchedProducts('');
}

/** Names of the kernels currently served natively. */
export function registeredNativeKernels(): string[] {
  return [...originals.keys()];
}
