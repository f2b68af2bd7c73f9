/**
 * Backend selection in Node. Registers TF.js's gradients once, then initialises the preferred
 * backend, falling back with a printed reason.
 *
 * The backends' packages and the `@tensorflow/tfjs` union are optional peer dependencies, loaded by
 * dynamic `import()` when chosen (optional-package.ts): a missing one is an error naming the package.
 *
 * References:
 * 1. toolchain.md §11.2 / §11.9: tfjs-core's Node bundle registers no gradients, and its ESM
 *    `dist/register_all_gradients.js` does not load in Node (extensionless relative imports:
 *    ERR_MODULE_NOT_FOUND, then ERR_UNSUPPORTED_DIR_IMPORT with a resolver hook that adds `.js`);
 *    the `@tensorflow/tfjs` union (same single tfjs-core) registers them, so Node needs it.
 * 2. toolchain.md §11.4: no wasm threads in Node (tfjs#3830).
 * 3. toolchain.md §11.6: WebGPU in Node through dawn.node (`webgpu@0.6.2`); the process only exits
 *    once `navigator.gpu` is gone, hence {@link releaseBackend}.
 * 4. toolchain.md §11.7: tfjs-node / tfjs-node-gpu cannot be installed here (libtensorflow download).
 */
import * as tf from '@tensorflow/tfjs-core';
import type {
  AdapterDescription,
  BackendInitialiser,
  BackendName,
  SelectBackendOptions,
  SelectedBackend,
} from './api.js';
import { chooseBackend, setBackendOrThrow, type Platform } from './choose-backend.js';
import {
  loadDawn,
  noAdapterReason,
  refuseSoftwareAdapter,
  resolveGpuAdapter,
  type GpuLike,
  type NodeBackendHooks,
} from './node-webgpu.js';
import { backendPackages, importPackage, isNotInstalled } from './optional-package.js';
import { installWebGpuKernelFixes } from './webgpu-kernel-fixes.js';
import { adapterLine, describeAdapter, type AdapterLike } from './webgpu-adapter.js';

let gradientsRegistered: Promise<void> | undefined;

/**
 * Register every TF.js gradient (idempotent). Loads the `@tensorflow/tfjs` union (an optional peer
 * dependency that Node apps install) for its side effect; throws naming the package when it is missing.
 * `hooks.importPeer` replaces the import in tests.
 */
export function registerGradients(hooks: NodeBackendHooks = {}): Promise<void> {
  if (hooks.importPeer !== undefined)
    return importPackage(gradientsPurpose, '@tensorflow/tfjs', () => hooks.importPeer!('@tensorflow/tfjs')).then(
      () => undefined,
    );
  gradientsRegistered ??= importPackage(gradientsPurpose, '@tensorflow/tfjs', () => import('@tensorflow/tfjs')).then(
    () => undefined,
    (error: unknown) => {
      gradientsRegistered = undefined; // installing it and trying again works without a restart
      throw error;
    },
  );
  return gradientsRegistered;
}

const gradientsPurpose = "registering TF.js's gradients in Node (tfjs-core's Node build has none)";

/**
 * Import a backend's package: `hooks.importPeer` when given (tests), else the app's loader
 * (`options.loaders`), else `load` (a literal dynamic import).
 */
function importBackend<T>(
  name: BackendName,
  options: Pick<SelectBackendOptions, 'loaders'>,
  hooks: NodeBackendHooks,
  load: () => Promise<T>,
): Promise<unknown> {
  const packageName = backendPackages[name];
  const chosen =
    hooks.importPeer !== undefined ? () => hooks.importPeer!(packageName) : (options.loaders?.[name] ?? load);
  return importPackage(`backend '${name}'`, packageName, chosen);
}

/** Node's default order: wasm is the fast CPU path here (toolchain.md §12); cpu is the reference. */
export const nodeBackendOrder: readonly BackendName[] = ['wasm', 'cpu'];

/** Set while `navigator.gpu` is dawn.node's (so {@link releaseBackend} knows to remove it). */
let installedGpu: GpuLike | undefined;
/** The `dawn.create` flags of {@link installedGpu}: another adapter request needs a new GPU object. */
let installedFlags = '';

type NodeInitialiser = (options: SelectBackendOptions, hooks: NodeBackendHooks) => ReturnType<BackendInitialiser>;

const initialisers: Partial<Record<BackendName, NodeInitialiser>> = {
  async cpu(options, hooks) {
    await importBackend('cpu', options, hooks, () => import('@tensorflow/tfjs-backend-cpu'));
    await setBackendOrThrow('cpu');
    return { info: 'pure JavaScript (the reference backend; slow)' };
  },

  async wasm(options, hooks) {
    await importBackend('wasm', options, hooks, () => import('@tensorflow/tfjs-backend-wasm'));
    await setBackendOrThrow('wasm');
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    return { info: `wasm${simd === true ? ' SIMD' : ' (no SIMD)'}, 1 thread (no wasm threads in Node: tfjs#3830)` };
  },

  async webgpu(options, hooks) {
    const description = await usableWebGpuAdapter(options, hooks);
    // The webgpu backend registers itself at import time only if navigator.gpu already exists.
    await importBackend('webgpu', options, hooks, () => import('@tensorflow/tfjs-backend-webgpu')).catch(
      (error: unknown) => {
        releaseNavigatorGpu();
        throw error;
      },
    );
    if (tf.findBackendFactory('webgpu') === null)
      throw new Error(
        '@tensorflow/tfjs-backend-webgpu did not register (it was imported before navigator.gpu existed)',
      );
    installWebGpuKernelFixes();
    await setBackendOrThrow('webgpu');
    return { info: `WebGPU through dawn.node: ${adapterLine(description)}`, adapter: description };
  },

  async tensorflow(_options, hooks) {
    const info = await loadTensorflow(hooks);
    await setBackendOrThrow('tensorflow');
    return { info };
  },
};

/** The adapter the options ask for, with `navigator.gpu` installed for it; throws why it is not usable. */
async function usableWebGpuAdapter(
  options: SelectBackendOptions,
  hooks: NodeBackendHooks,
): Promise<AdapterDescription> {
  const { adapter, softwareRequested } = await nodeWebGpuAdapter(options.gpuAdapter, hooks);
  const description = describeAdapter(adapter);
  const refusal = refuseSoftwareAdapter(description, options.allowSoftwareAdapter === true || softwareRequested);
  if (refusal !== undefined) {
    releaseNavigatorGpu();
    throw new Error(refusal);
  }
  return description;
}

/** Import tfjs-node-gpu or tfjs-node (which registers the `tensorflow` backend); returns the info line or throws why not. */
async function loadTensorflow(hooks: NodeBackendHooks): Promise<string> {
  const importModule = hooks.importModule ?? ((name: string) => import(/* @vite-ignore */ name));
  // tfjs-node-gpu first; when it is installed but does not load (no CUDA), that is the error: a user
  // with the GPU package wants the GPU, not a silent CPU libtensorflow.
  const gpu = await importOptional('@tensorflow/tfjs-node-gpu', importModule);
  if (gpu === 'loaded') return 'libtensorflow (CUDA) through @tensorflow/tfjs-node-gpu';
  if (gpu !== 'missing') {
    throw new Error(
      `@tensorflow/tfjs-node-gpu is installed but does not load: ${gpu}. It needs CUDA 11.2 and cuDNN 8.1 libraries (libcudart.so.11.0, libcudnn.so.8) ` +
        'on the library path and an NVIDIA driver; install them, or use the wasm backend',
    );
  }
  const cpu = await importOptional('@tensorflow/tfjs-node', importModule);
  if (cpu === 'loaded') return 'libtensorflow (CPU) through @tensorflow/tfjs-node';
  throw new Error(
    `the tensorflow backend needs @tensorflow/tfjs-node-gpu (CUDA GPUs) or @tensorflow/tfjs-node (CPU): ${cpu === 'missing' ? 'neither is installed' : `@tensorflow/tfjs-node-gpu is not installed and @tensorflow/tfjs-node does not load (${cpu})`}. ` +
      'Install one (npm install @tensorflow/tfjs-node-gpu@4.22.0; it downloads libtensorflow, which fails without access to Google storage: toolchain.md §11.7), or use the wasm backend',
  );
}

/** Import an optional package: `loaded`, `missing` (not installed), or the first line of why it does not load. */
async function importOptional(name: string, importModule: (specifier: string) => Promise<unknown>): Promise<string> {
  try {
    await importModule(name);
    return 'loaded';
  } catch (error) {
    return isNotInstalled(error, name) ? 'missing' : firstLine(error);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * Create dawn.node's GPU for the requested adapter, install it as `navigator.gpu` (where TF.js's
 * webgpu backend asks it for an adapter: the same one, since the flags name it), and request the adapter.
 */
async function nodeWebGpuAdapter(
  request: string | undefined,
  hooks: NodeBackendHooks,
): Promise<{ adapter: AdapterLike; softwareRequested: boolean }> {
  const dawn = await loadDawn(hooks);
  const { flags, softwareRequested } = await resolveGpuAdapter(dawn, request, hooks);
  if (installedGpu === undefined || installedFlags !== flags.join(' ')) {
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create(flags);
    const scope = globalThis as { navigator?: object };
    scope.navigator ??= {};
    Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
    installedGpu = gpu;
    installedFlags = flags.join(' ');
  }
  const adapter = await installedGpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) {
    releaseNavigatorGpu();
    throw new Error(noAdapterReason(request));
  }
  return { adapter, softwareRequested };
}

function releaseNavigatorGpu(): void {
  if (installedGpu === undefined) return;
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (scope.navigator !== undefined) delete scope.navigator.gpu;
  installedGpu = undefined;
  installedFlags = '';
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

function nodePlatform(hooks: NodeBackendHooks): Platform {
  const bound = Object.fromEntries(
    Object.entries(initialisers).map(([name, initialise]) => [
      name,
      (options: SelectBackendOptions) => initialise(options, hooks),
    ]),
  );
  return { name: 'Node', defaults: nodeBackendOrder, initialisers: bound };
}

/**
 * Choose and initialise a TF.js backend in Node, after registering the gradients. Apps call this
 * once; libraries never do. `hooks` replace dawn.node or the optional-package import in tests.
 *
 * @example
 * const backend = await selectBackend({ prefer: 'webgpu' });
 * console.log(backend.name, backend.info, backend.skipped);
 */
/**
 * Check, without initialising TF.js's backend, that `name` can start here with these options: the
 * `webgpu` package, an adapter (the one `gpuAdapter` names) that is hardware or allowed, the
 * tfjs-node packages for `tensorflow`. Apps call it before writing anything, so that a backend the
 * user asked for fails first and alone. Returns a line saying what would be used; throws why not.
 * `cpu` and `wasm` pass when their packages (optional peer dependencies) are installed; importing one
 * registers its backend factory but initialises nothing.
 */
export async function checkBackend(
  name: BackendName,
  options: Pick<SelectBackendOptions, 'allowSoftwareAdapter' | 'gpuAdapter' | 'loaders'> = {},
  hooks: NodeBackendHooks = {},
): Promise<string> {
  switch (name) {
    case 'cpu':
      await importBackend('cpu', options, hooks, () => import('@tensorflow/tfjs-backend-cpu'));
      return name;
    case 'wasm':
      await importBackend('wasm', options, hooks, () => import('@tensorflow/tfjs-backend-wasm'));
      return name;
    case 'webgpu': {
      const adapter = await usableWebGpuAdapter(options, hooks);
      try {
        // With navigator.gpu installed, so that the import registers the backend (a later
        // selectBackend would find a module imported before navigator.gpu existed unregistered).
        await importBackend('webgpu', options, hooks, () => import('@tensorflow/tfjs-backend-webgpu'));
      } finally {
        releaseNavigatorGpu();
      }
      return `webgpu on ${adapterLine(adapter)}`;
    }
    case 'tensorflow':
      return loadTensorflow(hooks);
    case 'webgl':
      throw new Error("'webgl' is not available in Node (it runs in: the browser)");
  }
}

export async function selectBackend(
  options: SelectBackendOptions = {},
  hooks: NodeBackendHooks = {},
): Promise<SelectedBackend> {
  await registerGradients(hooks);
  return chooseBackend(nodePlatform(hooks), options);
}
