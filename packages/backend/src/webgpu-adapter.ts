/**
 * Classify a WebGPU adapter: real hardware or a CPU rasteriser. Platform-neutral and pure, so the
 * rule is tested without a GPU. toolchain.md §11.6: lavapipe/llvmpipe and SwiftShader adapters train
 * 3–35× slower than wasm, so normfree picks `webgpu` only on real hardware unless told otherwise.
 */
import type { AdapterDescription } from './api.js';

/** The parts of `GPUAdapter` we read (both dawn.node and browsers; `isFallbackAdapter` moved into `info` in newer specs). */
export interface AdapterLike {
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly device?: string;
    readonly description?: string;
    readonly isFallbackAdapter?: boolean;
  };
  readonly isFallbackAdapter?: boolean;
}

const softwareNames = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render|warp/i;

/** Describe an adapter and decide whether it is a software rasteriser. */
export function describeAdapter(adapter: AdapterLike): AdapterDescription {
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const fallback = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true;
  const software = fallback || softwareNames.test(`${vendor} ${architecture} ${device} ${description}`);
  return { vendor, architecture, device, description, software };
}

/** One line for logs: `nvidia / ampere / NVIDIA H100` or `google / swiftshader (software)`. */
export function adapterLine(adapter: AdapterDescription): string {
  const parts = [adapter.vendor, adapter.architecture, adapter.description || adapter.device].filter(
    (part) => part !== '',
  );
  return `${parts.length > 0 ? parts.join(' / ') : 'unnamed adapter'}${adapter.software ? ' (software)' : ''}`;
}

/** The reason to skip a software adapter, or undefined when it is real hardware. */
export function softwareAdapterReason(adapter: AdapterDescription): string | undefined {
  if (!adapter.software) return undefined;
  return `the WebGPU adapter is a software rasteriser (${adapterLine(adapter)}), 3–35× slower than wasm; pass allowSoftwareAdapter: true to use it anyway`;
}
