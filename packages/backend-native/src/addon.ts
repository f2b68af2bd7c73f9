/**
 * Locate and load the compiled N-API addon (`build/Release/normfree_native.node`, built by
 * `scripts/build-native.mjs` during the package's `build`). Never throws: a missing or unloadable
 * addon is reported as a reason, and callers fall back to plain TF.js kernels.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SimdLevel } from './api.js';

/** The addon's functions (native/addon.cc). Offsets are byte offsets into `heap`. */
export interface NativeAddon {
  /**
   * SIMD level in use, threads of the pool (the caller included), cores this process may use
   * (sched_getaffinity), and how many parallel regions ran with more than one part so far.
   */
  info(): { simd: SimdLevel; threads: number; cores: number; parallelRegions: number };
  setSimd(level: SimdLevel): SimdLevel;
  /** Threads the kernels use from now on (clamped to [1, 256]); returns the count in use. Throws a RangeError below 1. */
  setThreads(count: number): number;
  matmul(heap: ArrayBuffer, batch: number, M: number, N: number, K: number, aOffset: number, aBatchStride: number,
    bOffset: number, bBatchStride: number, cOffset: number, transposeA: boolean, transposeB: boolean): void;
  softmaxCrossEntropy(heap: ArrayBuffer, rows: number, classes: number, logitsOffset: number, labelsOffset: number,
    lossOffset: number, probsOffset: number): void;
  softmaxCrossEntropyGrad(heap: ArrayBuffer, rows: number, classes: number, probsOffset: number, labelsOffset: number,
    dlossOffset: number, dlogitsOffset: number): void;
  unary(heap: ArrayBuffer, op: number, count: number, xOffset: number, yOffset: number): void;
  /** The fused kernels of kernels.h: op code and a Float64Array of sizes, byte offsets and scalars (native/addon.cc lists them per op). */
  fused(heap: ArrayBuffer, op: number, params: Float64Array): void;
  softmaxRows(heap: ArrayBuffer, rows: number, cols: number, xOffset: number, yOffset: number): void;
  /** dims = [rank, outShape…, aStrides…, bStrides…]; writes one byte per output element. */
  /** dims = [rank, shape…, inStrides…] (elements); inOffset already includes the view's start (bytes). */
  stridedCopy(heap: ArrayBuffer, dims: Int32Array, inOffset: number, outOffset: number, elementBytes: number): void;
  /** op: 0 add, 1 sub, 2 mul, 3 div; dims = [rank, shape…, aStrides…, bStrides…]. */
  binary(heap: ArrayBuffer, op: number, dims: Int32Array, aOffset: number, bOffset: number, outOffset: number): void;
  reduceSum(heap: ArrayBuffer, outer: number, reduce: number, inner: number, xOffset: number, outOffset: number, max?: boolean): void;
  equal(heap: ArrayBuffer, dims: Int32Array, aOffset: number, bOffset: number, outOffset: number, isFloat: boolean): void;
}

export type AddonResult = { readonly addon: NativeAddon; readonly path: string } | { readonly addon: null; readonly reason: string };

/** Path of the compiled addon (it sits at the package root; src/ and dist/ are both one level below). */
export const addonPath = fileURLToPath(new URL('../build/Release/normfree_native.node', import.meta.url));

let cached: AddonResult | undefined;

/**
 * Load the addon once. `NORMFREE_NATIVE=0` disables it (for side-by-side benchmarks and tests of the
 * fallback path).
 */
export function loadAddon(options: { readonly path?: string; readonly fresh?: boolean } = {}): AddonResult {
  if (cached !== undefined && options.fresh !== true && options.path === undefined) return cached;
  const path = options.path ?? addonPath;
  let result: AddonResult;
  if (process.env['NORMFREE_NATIVE'] === '0') {
    result = { addon: null, reason: 'disabled by NORMFREE_NATIVE=0' };
  } else if (!existsSync(path)) {
    result = { addon: null, reason: `native addon not built (${path} is missing; build it with \`pnpm --filter @normfree/backend-native build\`, which needs node-gyp and a C++17 compiler)` };
  } else {
    try {
      const require = createRequire(import.meta.url);
      result = { addon: require(path) as NativeAddon, path };
    } catch (error) {
      result = { addon: null, reason: `native addon failed to load: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  if (options.path === undefined) cached = result;
  return result;
}
