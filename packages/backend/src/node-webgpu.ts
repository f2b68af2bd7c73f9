/**
 * WebGPU adapters in Node through dawn.node (the optional `webgpu` package): list what Dawn sees,
 * pick one by index, name or `software`, and say exactly what is missing when none is usable.
 *
 * References:
 * 1. toolchain.md §11.6: dawn.node (`webgpu@0.6.2`); Debian 12's lavapipe is refused by Dawn, while the
 *    SwiftShader Vulkan driver of Debian's `chromium` package works (its loader libvulkan.so.1 and ICD
 *    live in /usr/lib/chromium, so both LD_LIBRARY_PATH and VK_ICD_FILENAMES must be set before Node
 *    starts).
 * 2. The `webgpu` package README: `create(['adapter=<name>'])` selects an adapter by name, and a name
 *    that matches none makes `requestAdapter()` reject with the list of every adapter
 *    ("Available adapters:\n * backend: 'vulkan', name: '…'"). That list is the only enumeration
 *    dawn.node offers (WebGPU has no enumerateAdapters).
 */
import type { AdapterDescription } from './api.js';
import { describeAdapter, adapterLine, type AdapterLike } from './webgpu-adapter.js';

/** The parts of `navigator.gpu` we use. */
export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'high-performance' | 'low-power';
    forceFallbackAdapter?: boolean;
  }): Promise<AdapterLike | null>;
}

/** The parts of the `webgpu` package (dawn.node) we use. */
export interface DawnModule {
  create(flags: string[]): GpuLike;
  readonly globals: object;
}

/**
 * Replaceable pieces of the Node backends, for tests that simulate a machine (a missing package, no
 * adapter, only a software adapter) without its hardware. Apps never pass these.
 */
export interface NodeBackendHooks {
  /** Load dawn.node (default: `import('webgpu')`). */
  readonly loadDawn?: () => Promise<DawnModule>;
  /** Import an optional package by name (default: `import(name)`); used for `@tensorflow/tfjs-node(-gpu)`. */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /**
   * Import one of @normfree/backend's optional peer dependencies by name: a TF.js backend's package
   * (`@tensorflow/tfjs-backend-wasm`, …) or the `@tensorflow/tfjs` union (gradients). Default: a
   * dynamic `import()` of it. Tests use it to simulate a package that is not installed.
   */
  readonly importPeer?: (specifier: string) => Promise<unknown>;
}

/** One adapter Dawn sees. */
export interface GpuAdapterEntry extends AdapterDescription {
  /** Position in Dawn's list: what `gpuAdapter: '<index>'` selects. */
  readonly index: number;
  /** Dawn's adapter name (what `adapter=<name>` matches), e.g. `SwiftShader Device (Subzero)`. */
  readonly name: string;
  /** Dawn's native API for it: `vulkan`, `metal`, `d3d12`, … */
  readonly api: string;
  /** The adapter says it is a WebGPU fallback adapter (`isFallbackAdapter`). */
  readonly fallback: boolean;
  /**
   * `software` (a CPU rasteriser) or `gpu`. WebGPU does not say discrete or integrated; the one
   * `requestAdapter({ powerPreference: 'high-performance' })` returns is marked {@link preferred}.
   */
  readonly type: 'software' | 'gpu';
  /** What Dawn picks when no adapter is named. */
  readonly preferred: boolean;
}

/** The SwiftShader recipe printed whenever no adapter is found (toolchain.md §11.6). */
export const swiftShaderRecipe =
  "for a software adapter (slow; for testing), Debian's chromium package ships SwiftShader: start Node with " +
  'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium and pass ' +
  'allowSoftwareAdapter: true (normfree: --allow-software-adapter)';

const allowHint = 'allowSoftwareAdapter: true (normfree: --allow-software-adapter)';

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** Load dawn.node, or throw saying the optional package is missing. */
export async function loadDawn(hooks: NodeBackendHooks = {}): Promise<DawnModule> {
  try {
    return hooks.loadDawn === undefined ? await import('webgpu') : await hooks.loadDawn();
  } catch (error) {
    throw new Error(
      `the optional 'webgpu' package (dawn.node, WebGPU for Node) is not installed or does not load: ${firstLine(error)}. ` +
        'Install it beside @normfree/backend (npm install webgpu@0.6.2), or use the wasm backend',
    );
  }
}

/** An adapter name no real adapter has: Dawn answers it with the list of every adapter. */
const listingName = 'normfree-list-adapters\u0001';
const listedAdapter = /^\s*\*\s*backend:\s*'([^']*)',\s*name:\s*'(.*)'\s*$/;

/** Dawn's adapters as `{ api, name }`, in Dawn's order (empty without a driver). */
async function dawnAdapterNames(dawn: DawnModule): Promise<{ api: string; name: string }[]> {
  try {
    await dawn.create([`adapter=${listingName}`]).requestAdapter();
    return []; // no adapter at all: dawn.node resolves null instead of listing
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message
      .split('\n')
      .map((line) => listedAdapter.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ api: match[1] ?? '', name: match[2] ?? '' }));
  }
}

function sameAdapter(left: AdapterDescription, right: AdapterDescription): boolean {
  return (
    left.vendor === right.vendor &&
    left.architecture === right.architecture &&
    left.device === right.device &&
    left.description === right.description
  );
}

function isFallback(adapter: AdapterLike): boolean {
  return adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true;
}

/**
 * Every WebGPU adapter dawn.node sees, software ones included, with the one it picks by default
 * marked `preferred`. Empty when the `webgpu` package loads but finds no driver.
 * @throws when the `webgpu` package does not load.
 */
export async function listGpuAdapters(hooks: NodeBackendHooks = {}): Promise<GpuAdapterEntry[]> {
  const dawn = await loadDawn(hooks);
  const names = await dawnAdapterNames(dawn);
  const preferredAdapter = await dawn.create([]).requestAdapter({ powerPreference: 'high-performance' });
  const preferred = preferredAdapter === null ? undefined : describeAdapter(preferredAdapter);
  const entries: GpuAdapterEntry[] = [];
  for (const [index, { api, name }] of names.entries()) {
    const adapter = await dawn.create([`adapter=${name}`]).requestAdapter();
    const description =
      adapter === null
        ? { vendor: '', architecture: '', device: name, description: '', software: false }
        : describeAdapter(adapter);
    entries.push({
      ...description,
      index,
      name,
      api,
      fallback: adapter !== null && isFallback(adapter),
      type: description.software ? 'software' : 'gpu',
      preferred: preferred !== undefined && sameAdapter(preferred, description),
    });
  }
  return entries;
}

/** One line per adapter for listings and error messages: `0: SwiftShader Device (Subzero) [vulkan] google / swiftshader / … (software)`. */
export function gpuAdapterLine(entry: GpuAdapterEntry): string {
  return `${entry.index}: ${entry.name} [${entry.api}] ${adapterLine(entry)}${entry.fallback ? ', fallback adapter' : ''}${entry.preferred ? ', the default' : ''}`;
}

function seenList(entries: readonly GpuAdapterEntry[]): string {
  return entries.length === 0 ? 'Dawn sees no adapter' : `Dawn sees: ${entries.map(gpuAdapterLine).join('; ')}`;
}

/** What to hand to `dawn.create` (and so to TF.js's own `requestAdapter`) for an adapter request. */
export interface ResolvedGpuAdapter {
  /** Flags for `dawn.create`: `[]` (Dawn's choice) or `['adapter=<name>']`. */
  readonly flags: string[];
  /** The request asked for a software adapter by `software`, so it is allowed without allowSoftwareAdapter. */
  readonly softwareRequested: boolean;
}

/**
 * Turn `gpuAdapter` (undefined, an index into {@link listGpuAdapters}, `software`, or part of an
 * adapter's name, vendor or description, case-insensitive) into Dawn flags.
 * @throws naming the adapters Dawn sees when the request matches none.
 */
export async function resolveGpuAdapter(
  dawn: DawnModule,
  request: string | undefined,
  hooks: NodeBackendHooks,
): Promise<ResolvedGpuAdapter> {
  if (request === undefined || request === '') return { flags: [], softwareRequested: false };
  const entries = await listGpuAdapters({ ...hooks, loadDawn: () => Promise.resolve(dawn) });
  const wanted = request.trim().toLowerCase();
  let entry: GpuAdapterEntry | undefined;
  if (wanted === 'software') {
    entry = entries.find((candidate) => candidate.software);
    if (entry === undefined)
      throw new Error(`gpuAdapter 'software': no software WebGPU adapter (${seenList(entries)}); ${swiftShaderRecipe}`);
  } else if (/^\d+$/.test(wanted)) {
    entry = entries[Number(wanted)];
    if (entry === undefined)
      throw new Error(`gpuAdapter '${request}': no adapter with that index (${seenList(entries)})`);
  } else {
    entry = entries.find((candidate) =>
      [candidate.name, candidate.vendor, candidate.architecture, candidate.device, candidate.description].some(
        (field) => field.toLowerCase().includes(wanted),
      ),
    );
    if (entry === undefined)
      throw new Error(
        `gpuAdapter '${request}': no adapter's name, vendor or description contains it (${seenList(entries)})`,
      );
  }
  return { flags: [`adapter=${entry.name}`], softwareRequested: wanted === 'software' };
}

/**
 * The reason a chosen adapter cannot be used: undefined for hardware, or for software when allowed.
 */
export function refuseSoftwareAdapter(description: AdapterDescription, allowed: boolean): string | undefined {
  if (!description.software || allowed) return undefined;
  return (
    `the WebGPU adapter is a software rasteriser (${adapterLine(description)}), 3–35× slower than wasm; ` +
    `pass ${allowHint} to use it anyway (or gpuAdapter 'software'), or choose the wasm backend`
  );
}

/** The reason no adapter came back. */
export function noAdapterReason(request: string | undefined): string {
  return (
    `dawn.node found no WebGPU adapter${request === undefined ? '' : ` for gpuAdapter '${request}'`} ` +
    '(no Vulkan loader libvulkan.so.1 or no Vulkan driver that Dawn accepts; Mesa < 25 lavapipe is refused). ' +
    `Install your GPU's Vulkan driver, or ${swiftShaderRecipe}`
  );
}
