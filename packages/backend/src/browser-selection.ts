/**
 * Backend selection in the browser: webgl, webgpu, wasm, cpu. Registers TF.js's gradients once
 * through `register_all_gradients` (bundles can load it; Node cannot, toolchain.md §11.9).
 * The backends' packages are optional peer dependencies, imported when chosen through a loader
 * (`() => import('@tensorflow/tfjs-backend-webgl')`, optional-package.ts): a missing one is an error
 * naming the package to install. This module names no backend package itself: the root browser entry
 * (select-backend.browser.ts) supplies loaders for all four, the lean entry (lean.ts) none, so that a
 * bundle only holds, and an app only installs, the backends whose loaders the app passes.
 *
 * References:
 * 1. toolchain.md §11.5: WebGL in headless Chromium is SwiftShader (~2 GFLOP/s) unless a real GPU exists.
 * 2. toolchain.md §11.3: the wasm backend fetches its binaries at run time: `setWasmPaths` must point
 *    at files the app serves.
 * 3. toolchain.md §11.6: Chromium's WebGPU without a GPU is SwiftShader (36 tokens/s on the benchmark).
 */
import * as tf from '@tensorflow/tfjs-core';
import type {
  AdapterDescription,
  BackendInitialiser,
  BackendLoaders,
  BackendName,
  SelectBackendOptions,
  SelectedBackend,
} from './api.js';
import { chooseBackend, setBackendOrThrow, type Platform } from './choose-backend.js';
import { backendPackages, importPackage } from './optional-package.js';
import { installWebGpuKernelFixes } from './webgpu-kernel-fixes.js';
import { adapterLine, describeAdapter, softwareAdapterReason, type AdapterLike } from './webgpu-adapter.js';

let gradientsRegistered: Promise<void> | undefined;

/** Register every TF.js gradient (idempotent). */
export function registerGradients(): Promise<void> {
  // A dynamic import, because `sideEffects: false` would let a bundler drop a bare static one.
  gradientsRegistered ??= import('@tensorflow/tfjs-core/dist/register_all_gradients.js').then(() => undefined);
  return gradientsRegistered;
}

/** The browser's default order: a GPU first, then the fast CPU path, then the reference. */
export const browserBackendOrder: readonly BackendName[] = ['webgl', 'wasm', 'cpu'];

const softwareRenderer = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

/** The WebGL renderer behind a TF.js webgl backend (unmasked when the browser allows it). */
function webglAdapter(): AdapterDescription {
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext | WebGL2RenderingContext } };
  const gl = backend.gpgpu?.gl;
  if (gl === undefined)
    return { vendor: '', architecture: '', device: '', description: 'unknown WebGL renderer', software: false };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const vendor = String(gl.getParameter(debug === null ? gl.VENDOR : debug.UNMASKED_VENDOR_WEBGL));
  const renderer = String(gl.getParameter(debug === null ? gl.RENDERER : debug.UNMASKED_RENDERER_WEBGL));
  return {
    vendor,
    architecture: '',
    device: renderer,
    description: renderer,
    software: softwareRenderer.test(renderer),
  };
}

/** Import backend `name`'s package with the app's loader, else the entry's default one. */
async function loadBackend(
  name: BackendName,
  options: SelectBackendOptions,
  defaults: BackendLoaders,
): Promise<unknown> {
  const packageName = backendPackages[name];
  const load = options.loaders?.[name] ?? defaults[name];
  if (load === undefined) {
    throw new Error(
      `backend '${name}' has no loader: install ${packageName} and pass loaders: { ${name}: () => import('${packageName}') } ` +
        '(@normfree/backend/lean imports no backend package by itself)',
    );
  }
  return importPackage(`backend '${name}'`, packageName, load);
}

type BrowserInitialiser = (options: SelectBackendOptions, defaults: BackendLoaders) => ReturnType<BackendInitialiser>;

const initialisers: Record<'webgl' | 'webgpu' | 'wasm' | 'cpu', BrowserInitialiser> = {
  async webgl(options, defaults) {
    await loadBackend('webgl', options, defaults);
    await setBackendOrThrow('webgl');
    const adapter = webglAdapter();
    const version = tf.env().getNumber('WEBGL_VERSION');
    const float32 = tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
    return {
      info: `WebGL ${version}${float32 ? ', float32 textures' : ', NO float32 render targets (results lose precision)'}: ${adapterLine(adapter)}`,
      adapter,
    };
  },

  async webgpu(options, defaults) {
    const gpu = (navigator as { gpu?: { requestAdapter(options?: object): Promise<AdapterLike | null> } }).gpu;
    if (gpu === undefined)
      throw new Error('navigator.gpu is missing: this browser has no WebGPU (or the page is not a secure context)');
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null)
      throw new Error('navigator.gpu.requestAdapter() returned null (WebGPU is disabled or no adapter is available)');
    const description = describeAdapter(adapter);
    const softwareReason = softwareAdapterReason(description);
    if (softwareReason !== undefined && options.allowSoftwareAdapter !== true) throw new Error(softwareReason);
    await loadBackend('webgpu', options, defaults);
    installWebGpuKernelFixes();
    await setBackendOrThrow('webgpu');
    return { info: `WebGPU: ${adapterLine(description)}`, adapter: description };
  },

  async wasm(options, defaults) {
    const wasm = (await loadBackend('wasm', options, defaults)) as { setWasmPaths?: (paths: unknown) => void };
    if (typeof wasm.setWasmPaths !== 'function')
      throw new Error(
        "the wasm loader's module has no setWasmPaths: it must be import('@tensorflow/tfjs-backend-wasm')",
      );
    if (options.wasmPaths === undefined) {
      throw new Error(
        'the wasm backend needs wasmPaths in the browser (the URL folder where the app serves tfjs-backend-wasm*.wasm)',
      );
    }
    // setWasmPaths takes a prefix or a file map; our WasmPaths type is the readonly form of the same.
    wasm.setWasmPaths(options.wasmPaths);
    // No threads: the threaded build stringifies its emscripten factory into a blob worker, which
    // breaks once bundled and minified ("ReferenceError: e is not defined" in every worker, the
    // backend never initialises), and the XNNPACK pool is capped at hardwareConcurrency/2 anyway,
    // one thread on 2-vCPU machines (toolchain.md §11.4). The SIMD build is as fast there.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await setBackendOrThrow('wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return {
      info: `wasm${simd === true ? ' SIMD' : ' (no SIMD)'}, 1 thread (threaded build disabled, toolchain.md §11.4)`,
    };
  },

  async cpu(options, defaults) {
    await loadBackend('cpu', options, defaults);
    await setBackendOrThrow('cpu');
    return { info: 'pure JavaScript (the reference backend; slow)' };
  },
};

/**
 * Choose and initialise a TF.js backend in the browser, after registering the gradients, loading
 * each backend's package with `options.loaders`, else `defaults`. Without `prefer`, only the backends
 * of {@link browserBackendOrder} that have a loader are tried (webgpu when it alone has one).
 */
export async function selectBrowserBackend(
  defaults: BackendLoaders,
  options: SelectBackendOptions = {},
): Promise<SelectedBackend> {
  await registerGradients();
  const loadable = (name: BackendName) => options.loaders?.[name] !== undefined || defaults[name] !== undefined;
  // Without a loader for any default backend (an app that only passed webgpu's), webgpu is the default.
  const withLoaders = browserBackendOrder.filter(loadable);
  const order = withLoaders.length > 0 ? withLoaders : loadable('webgpu') ? ['webgpu' as const] : browserBackendOrder;
  const bound = Object.fromEntries(
    Object.entries(initialisers).map(([name, initialise]) => [
      name,
      (chosen: SelectBackendOptions) => initialise(chosen, defaults),
    ]),
  );
  const platform: Platform = { name: 'the browser', defaults: order, initialisers: bound };
  return chooseBackend(platform, options);
}

/** Nothing to release in the browser (the page's lifetime bounds the GPU device); kept for a uniform API. */
export function releaseBackend(): void {}
