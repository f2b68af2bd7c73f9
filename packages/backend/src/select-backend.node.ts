/**
 * Backend selection in Node. Registers TF.js's gradients once, then initialises the preferred
 * backend, falling back with a printed reason.
 *
 * References:
 * 1. toolchain.md §11.2 / §11.9: tfjs-core's Node bundle registers no gradients; the
 *    `@tensorflow/tfjs` union (same single tfjs-core) does.
 * 2. toolchain.md §11.4: no wasm threads in Node (tfjs#3830).
 * 3. toolchain.md §11.6: WebGPU in Node through dawn.node (`webgpu@0.6.2`); the process only exits
 *    once `navigator.gpu` is gone, hence {@link releaseBackend}.
 * 4. toolchain.md §11.7: tfjs-node / tfjs-node-gpu cannot be installed here (libtensorflow download).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendInitialiser, BackendName, SelectBackendOptions, SelectedBackend } from './api.js';
import { chooseBackend, setBackendOrThrow, type Platform } from './choose-backend.js';
import { adapterLine, describeAdapter, softwareAdapterReason, type AdapterLike } from './webgpu-adapter.js';

let gradientsRegistered: Promise<void> | undefined;

/** Register every TF.js gradient (idempotent). Loads the `@tensorflow/tfjs` union for its side effect. */
export function registerGradients(): Promise<void> {
  gradientsRegistered ??= import('@tensorflow/tfjs').then(() => undefined);
  return gradientsRegistered;
}

/** Node's default order: wasm is the fast CPU path here (toolchain.md §12); cpu is the reference. */
export const nodeBackendOrder: readonly BackendName[] = ['wasm', 'cpu'];

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}

/** Set while `navigator.gpu` is dawn.node's (so {@link releaseBackend} knows to remove it). */
let installedGpu: GpuLike | undefined;

const initialisers: Partial<Record<BackendName, BackendInitialiser>> = {
  async cpu() {
    await import('@tensorflow/tfjs-backend-cpu');
    await setBackendOrThrow('cpu');
    return { info: 'pure JavaScript (the reference backend; slow)' };
  },

  async wasm() {
    await import('@tensorflow/tfjs-backend-wasm');
    await setBackendOrThrow('wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return { info: `wasm${simd === true ? ' SIMD' : ' (no SIMD)'}, 1 thread (no wasm threads in Node: tfjs#3830)` };
  },

  async webgpu(options) {
    const adapter = await nodeWebGpuAdapter();
    const description = describeAdapter(adapter);
    const softwareReason = softwareAdapterReason(description);
    if (softwareReason !== undefined && options.allowSoftwareAdapter !== true) {
      releaseNavigatorGpu();
      throw new Error(softwareReason);
    }
    // The webgpu backend registers itself at import time only if navigator.gpu already exists.
    await import('@tensorflow/tfjs-backend-webgpu');
    if (tf.findBackendFactory('webgpu') === null) throw new Error('@tensorflow/tfjs-backend-webgpu did not register (it was imported before navigator.gpu existed)');
    await setBackendOrThrow('webgpu');
    return { info: `WebGPU through dawn.node: ${adapterLine(description)}`, adapter: description };
  },

  async tensorflow() {
    const reasons: string[] = [];
    for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        // A variable specifier keeps TypeScript and bundlers from resolving these optional packages.
        await import(/* @vite-ignore */ name);
        await setBackendOrThrow('tensorflow');
        return { info: `libtensorflow through ${name}` };
      } catch (error) {
        reasons.push(`${name}: ${firstLine(error)}`);
      }
    }
    throw new Error(
      `neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is usable (${reasons.join('; ')}). ` +
        'They download libtensorflow when installed, which fails without access to Google storage (toolchain.md §11.7); use wasm.',
    );
  },
};

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** Create dawn.node's GPU, install it as `navigator.gpu`, and ask for a high-performance adapter. */
async function nodeWebGpuAdapter(): Promise<AdapterLike> {
  let dawn: { create(flags: string[]): unknown; globals: object };
  try {
    dawn = (await import('webgpu')) as unknown as typeof dawn;
  } catch (error) {
    throw new Error(`the optional 'webgpu' package (dawn.node) is not installed or does not load: ${firstLine(error)}`);
  }
  if (installedGpu === undefined) {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]) as GpuLike;
    const scope = globalThis as { navigator?: object };
    scope.navigator ??= {};
    Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
    installedGpu = gpu;
  }
  const adapter = await installedGpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    releaseNavigatorGpu();
    throw new Error('dawn.node found no WebGPU adapter (no Vulkan driver: install a GPU driver with Vulkan support, or Mesa ≥ 25 lavapipe for a software one)');
  }
  return adapter;
}

function releaseNavigatorGpu(): void {
  if (installedGpu === undefined) return;
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (scope.navigator !== undefined) delete scope.navigator.gpu;
  installedGpu = undefined;
}

/**
 * Let Node exit after using `webgpu`: disposes the webgpu backend (destroying its device) and
 * removes dawn.node's `navigator.gpu`, which otherwise keeps the event loop alive. A no-op for the
 * other backends. Call it when the app is done with TF.js.
 */
export function releaseBackend(): void {
  if (tf.findBackend('webgpu') !== null) tf.removeBackend('webgpu');
  releaseNavigatorGpu();
}

/** Every backend `selectBackend` can start in Node (whether it starts depends on the machine). */
export const nodeBackendNames: readonly BackendName[] = Object.keys(initialisers) as BackendName[];

const nodePlatform: Platform = { name: 'Node', defaults: nodeBackendOrder, initialisers };

/**
 * Choose and initialise a TF.js backend in Node, after registering the gradients. Apps call this
 * once; libraries never do.
 *
 * @example
 * const backend = await selectBackend({ prefer: 'webgpu' });
 * console.log(backend.name, backend.info, backend.skipped);
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  await registerGradients();
  return chooseBackend(nodePlatform, options);
}
