/**
 * Replace TF.js kernels of the `wasm` backend with native (C++/SIMD) ones that work on the wasm heap
 * in place. The original kernels are kept: a native kernel hands calls it does not support (dtype,
 * broadcasting pattern) back to them, and {@link unregisterNativeKernels} restores them.
 *
 * References: toolchain.md §11.9 (zero-copy on the wasm heap, kernel overrides, measured speed-ups).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { checkInteger } from '@normfree/core';
import { setFastBatchedProducts } from '@normfree/core/tfjs';
import { loadAddon, type NativeAddon } from './addon.js';
import type { NativeKernelsStatus, RegisterNativeKernelsOptions, SimdLevel } from './api.js';
import { batchMatMulKernel } from './kernels/batch-mat-mul.js';
import { equalKernel, erfKernel, expKernel, softmaxKernel, tanhKernel } from './kernels/elementwise.js';
import { gatherV2Kernel, packKernel, tileKernel, unpackKernel } from './kernels/data-movement.js';
import { fusedKernels, identityKernel } from './kernels/fused.js';
import {
  addKernel,
  multiplyKernel,
  realDivKernel,
  sliceKernel,
  splitVKernel,
  subKernel,
  sumKernel,
  maxKernel,
  transposeKernel,
} from './kernels/strided.js';
import type { NativeKernel } from './kernels/native-kernel.js';
import { isWasmBackend } from './kernels/wasm-heap.js';

const allKernels: readonly NativeKernel[] = [
  batchMatMulKernel,
  expKernel,
  tanhKernel,
  softmaxKernel,
  equalKernel,
  unpackKernel,
  packKernel,
  tileKernel,
  transposeKernel,
  sliceKernel,
  splitVKernel,
  addKernel,
  subKernel,
  multiplyKernel,
  realDivKernel,
  sumKernel,
  gatherV2Kernel,
  maxKernel,
  erfKernel,
  identityKernel,
];

/** TF.js kernel names that have a native implementation: wasm kernels replaced, then the fused kernels added. */
export const nativeKernelNames: readonly string[] = [...allKernels, ...fusedKernels].map((kernel) => kernel.kernelName);

/** Fused kernels added to wasm (they have no wasm original), by name. */
const added = new Set<string>();

/** Original wasm kernels replaced by native ones, by kernel name. */
const originals = new Map<string, KernelConfig>();

function disabled(reason: string, log: RegisterNativeKernelsOptions['log']): NativeKernelsStatus {
  if (log !== null)
    (log ?? ((message: string) => console.warn(message)))(
      `[normfree] native kernels disabled, using plain wasm: ${reason}`,
    );
  return { enabled: false, reason, kernels: [], simd: null, threads: null };
}

/** A fused kernel has no original to fall back to: off wasm's heap it is an error, not a silent detour. */
function wrapFused(kernel: NativeKernel, addon: NativeAddon): KernelFunc {
  return (args) => {
    if (!isWasmBackend(args.backend)) throw new Error(`${kernel.kernelName}: registered for the wasm backend only`);
    const result = kernel.run({ inputs: args.inputs, attrs: args.attrs ?? {}, backend: args.backend, addon });
    if (result === null) throw new Error(`${kernel.kernelName}: inputs not supported`);
    return result;
  };
}

function wrap(kernel: NativeKernel, original: KernelConfig, addon: NativeAddon): KernelFunc {
  return (args) => {
    const { backend } = args;
    if (isWasmBackend(backend)) {
      const result = kernel.run({ inputs: args.inputs, attrs: args.attrs ?? {}, backend, addon });
      if (result !== null) return result;
    }
    return original.kernelFunc(args);
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
  if (options.threads !== undefined) checkInteger('threads', options.threads, { min: 1 });
  if (options.backend !== 'wasm')
    return disabled(`backend '${String(options.backend)}' is not supported (only 'wasm')`, options.log);
  const loaded = loadAddon();
  if (loaded.addon === null) return disabled(loaded.reason, options.log);
  const { addon } = loaded;
  let simd: SimdLevel = addon.info().simd;
  if (options.simd !== undefined) simd = addon.setSimd(options.simd);
  const threads = options.threads === undefined ? addon.info().threads : addon.setThreads(options.threads);
  const wanted = options.kernels ?? nativeKernelNames;
  const unknown = wanted.filter((name) => !nativeKernelNames.includes(name));
  if (unknown.length > 0)
    throw new RangeError(`no native kernel for ${unknown.join(', ')}; known: ${nativeKernelNames.join(', ')}`);
  const registered: string[] = [];
  for (const kernel of allKernels) {
    if (!wanted.includes(kernel.kernelName)) continue;
    const original = originals.get(kernel.kernelName) ?? tf.getKernel(kernel.kernelName, 'wasm');
    if (original === undefined) {
      return disabled(
        `kernel '${kernel.kernelName}' is not registered for 'wasm': import @tensorflow/tfjs-backend-wasm first`,
        options.log,
      );
    }
    if (originals.has(kernel.kernelName)) tf.unregisterKernel(kernel.kernelName, 'wasm');
    else {
      originals.set(kernel.kernelName, original);
      tf.unregisterKernel(kernel.kernelName, 'wasm');
    }
    const config: KernelConfig = {
      kernelName: kernel.kernelName,
      backendName: 'wasm',
      kernelFunc: wrap(kernel, original, addon),
    };
    tf.registerKernel(original.setupFunc === undefined ? config : { ...config, setupFunc: original.setupFunc });
    registered.push(kernel.kernelName);
  }
  for (const kernel of fusedKernels) {
    if (!wanted.includes(kernel.kernelName)) {
      if (added.delete(kernel.kernelName)) tf.unregisterKernel(kernel.kernelName, 'wasm');
      continue;
    }
    if (added.has(kernel.kernelName)) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({ kernelName: kernel.kernelName, backendName: 'wasm', kernelFunc: wrapFused(kernel, addon) });
    added.add(kernel.kernelName);
    registered.push(kernel.kernelName);
  }
  if (registered.includes('BatchMatMul')) setFastBatchedProducts('wasm');
  return {
    enabled: true,
    reason: `native ${simd} kernels (${threads} thread${threads === 1 ? '' : 's'}) from ${loaded.path}`,
    kernels: registered,
    simd,
    threads,
  };
}

/** Restore the original wasm kernels replaced by {@link registerNativeKernels}. */
export function unregisterNativeKernels(): void {
  for (const [name, original] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
  originals.clear();
  for (const name of added) tf.unregisterKernel(name, 'wasm');
  added.clear();
  setFastBatchedProducts('');
}

/** Names of the kernels currently served natively. */
export function registeredNativeKernels(): string[] {
  return [...originals.keys(), ...added];
}
