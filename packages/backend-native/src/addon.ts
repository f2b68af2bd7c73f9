/**
 * Locate and load the compiled N-API addon. Where it comes from, first match wins (node-gyp-build's
 * order): a source build in `build/Release/` (the repository's `pnpm build`, or `npm rebuild` of an
 * installed package), else the prebuilt binary shipped in the package for this platform
 * (`prebuilds/linux-x64/@normfree+backend-native.glibc.node`, built by `prepack`; one N-API binary
 * serves every Node version). Never throws: a missing or unloadable addon is reported as a reason that
 * says how to get the kernels, and callers fall back to plain TF.js kernels.
 */
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
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
  matmul(
    heap: ArrayBuffer,
    batch: number,
    M: number,
    N: number,
    K: number,
    aOffset: number,
    aBatchStride: number,
    bOffset: number,
    bBatchStride: number,
    cOffset: number,
    transposeA: boolean,
    transposeB: boolean,
  ): void;
  softmaxCrossEntropy(
    heap: ArrayBuffer,
    rows: number,
    classes: number,
    logitsOffset: number,
    labelsOffset: number,
    lossOffset: number,
    probsOffset: number,
  ): void;
  softmaxCrossEntropyGrad(
    heap: ArrayBuffer,
    rows: number,
    classes: number,
    probsOffset: number,
    labelsOffset: number,
    dlossOffset: number,
    dlogitsOffset: number,
  ): void;
  unary(heap: ArrayBuffer, op: number, count: number, xOffset: number, yOffset: number): void;
  /** The fused kernels of kernels.h: op code and a Float64Array of sizes, byte offsets and scalars (native/addon.cc lists them per op). */
  fused(heap: ArrayBuffer, op: number, params: Float64Array): void;
  softmaxRows(heap: ArrayBuffer, rows: number, cols: number, xOffset: number, yOffset: number): void;
  /** dims = [rank, outShape…, aStrides…, bStrides…]; writes one byte per output element. */
  /** dims = [rank, shape…, inStrides…] (elements); inOffset already includes the view's start (bytes). */
  stridedCopy(heap: ArrayBuffer, dims: Int32Array, inOffset: number, outOffset: number, elementBytes: number): void;
  /** op: 0 add, 1 sub, 2 mul, 3 div; dims = [rank, shape…, aStrides…, bStrides…]. */
  binary(heap: ArrayBuffer, op: number, dims: Int32Array, aOffset: number, bOffset: number, outOffset: number): void;
  reduceSum(
    heap: ArrayBuffer,
    outer: number,
    reduce: number,
    inner: number,
    xOffset: number,
    outOffset: number,
    max?: boolean,
  ): void;
  equal(
    heap: ArrayBuffer,
    dims: Int32Array,
    aOffset: number,
    bOffset: number,
    outOffset: number,
    isFloat: boolean,
  ): void;
}

/**
 * Where the addon came from: the package's prebuilt binary, a source build in `build/Release/`, or a
 * path the caller gave.
 */
export type AddonSource = 'prebuilt' | 'source build' | 'given path';

export type AddonResult =
  | { readonly addon: NativeAddon; readonly path: string; readonly source: AddonSource }
  | { readonly addon: null; readonly reason: string };

/** The package root (src/ and dist/ are both one level below it). */
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** Where a source build puts the addon (`node-gyp rebuild` in the package root). */
export const addonPath = join(packageRoot, 'build', 'Release', 'normfree_native.node');

const requireHere = createRequire(import.meta.url);

/** How to get the kernels: an installed package is rebuilt by its package manager, a checkout by pnpm. */
export function nativeBuildHint(root: string = packageRoot): string {
  // tsconfig.json is not in the published files: its presence means a checkout of the repository.
  if (existsSync(join(root, 'tsconfig.json'))) {
    return 'build it with `pnpm --filter @normfree/backend-native build` (needs a C++17 compiler, Python 3 and node-gyp, which ships with npm)';
  }
  return (
    'to build it from source run `npm rebuild @normfree/backend-native` in your project (pnpm: `pnpm rebuild @normfree/backend-native`), ' +
    'which needs a C++17 compiler (g++ ≥ 9 or clang), Python 3 and node-gyp (it ships with npm)'
  );
}

/** `linux-x64 glibc`: the platform as node-gyp-build matches prebuilds (musl only on Alpine). */
function platformName(): string {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`;
  return `${process.platform}-${process.arch} ${existsSync('/etc/alpine-release') ? 'musl' : 'glibc'}`;
}

function shippedPrebuilds(root: string): string {
  try {
    const folders = readdirSync(join(root, 'prebuilds'));
    return folders.length === 0 ? 'none' : folders.join(', ');
  } catch {
    return 'none';
  }
}

function loadFile(path: string, source: AddonSource, root: string): AddonResult {
  try {
    return { addon: requireHere(path) as NativeAddon, path, source };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const what =
      source === 'prebuilt'
        ? 'the prebuilt addon'
        : source === 'source build'
          ? 'the source build of the addon'
          : 'the addon';
    const hint = source === 'given path' ? '' : `; ${nativeBuildHint(root)}`;
    return { addon: null, reason: `${what} ${path} failed to load: ${message.split('\n')[0] ?? message}${hint}` };
  }
}

/** Search `root` the way node-gyp-build does and load what it finds. */
function search(root: string): AddonResult {
  let found: string;
  try {
    // build/Release first, then prebuilds/<platform>-<arch>/ files whose tags (napi, libc) match.
    found = (requireHere('node-gyp-build') as { path(dir: string): string }).path(root);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.startsWith('No native build was found'))
      return { addon: null, reason: `node-gyp-build could not search ${root} for the addon: ${message}` };
    return {
      addon: null,
      reason: `no prebuilt addon for ${platformName()} in this package (its prebuilds: ${shippedPrebuilds(root)}) and no source build in ${join(root, 'build', 'Release')}; ${nativeBuildHint(root)}`,
    };
  }
  return loadFile(found, relative(root, found).startsWith('prebuilds') ? 'prebuilt' : 'source build', root);
}

let cached: AddonResult | undefined;

/**
 * Load the addon once. `NORMFREE_NATIVE=0` disables it (for side-by-side benchmarks and tests of the
 * fallback path).
 *
 * @param options.path - load this file instead of searching (tests).
 * @param options.root - search this package root instead of the package's own (tests).
 * @param options.fresh - search and load again instead of returning the cached result.
 * @returns `{ addon, path, source }`, or `{ addon: null, reason }` saying why and how to get the kernels.
 */
export function loadAddon(
  options: { readonly path?: string; readonly root?: string; readonly fresh?: boolean } = {},
): AddonResult {
  const custom = options.path !== undefined || options.root !== undefined;
  if (cached !== undefined && options.fresh !== true && !custom) return cached;
  const root = options.root ?? packageRoot;
  let result: AddonResult;
  if (process.env['NORMFREE_NATIVE'] === '0') result = { addon: null, reason: 'disabled by NORMFREE_NATIVE=0' };
  else if (options.path === undefined) result = search(root);
  else if (existsSync(options.path)) result = loadFile(options.path, 'given path', root);
  else result = { addon: null, reason: `no addon at ${options.path}` };
  if (!custom) cached = result;
  return result;
}
