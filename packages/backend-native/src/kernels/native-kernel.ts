/** How a native kernel is described: it may decline an input (returns null) so the original runs. */
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import type { WasmBackendLike } from './wasm-heap.js';

export interface NativeKernelArgs {
  readonly inputs: NamedTensorInfoMap;
  readonly attrs: NamedAttrMap;
  readonly backend: WasmBackendLike;
  readonly addon: NativeAddon;
}

export interface NativeKernel {
  readonly kernelName: string;
  /** Result, or null to let the original wasm kernel handle this call (unsupported dtype or shape). */
  run(args: NativeKernelArgs): TensorInfo | TensorInfo[] | null;
}
