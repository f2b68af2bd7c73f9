/**
 * The parts of tfjs-backend-wasm's `BackendWasm` that native kernels touch (its internals are not in
 * its public typings). A tensor's bytes sit at `dataIdMap.get(dataId).memoryOffset` on the heap; the
 * heap's ArrayBuffer is replaced when it grows, so `heap()` must be read after every allocation,
 * including the kernel's own `makeOutput` (toolchain.md §11.9).
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';

export interface WasmBackendLike {
  readonly wasm: { readonly HEAPU8: Uint8Array };
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
}

export function isWasmBackend(backend: unknown): backend is WasmBackendLike {
  const candidate = backend as Partial<WasmBackendLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.makeOutput === 'function' &&
    candidate.wasm !== undefined &&
    candidate.dataIdMap !== undefined
  );
}

/** Byte offset of a tensor's data on the wasm heap. */
export function offsetOf(backend: WasmBackendLike, tensor: TensorInfo): number {
  const entry = backend.dataIdMap.get(tensor.dataId);
  if (entry === undefined) throw new Error('normfree-native: tensor data is not on the wasm backend');
  return entry.memoryOffset;
}

/** The heap as it is now (read again after any allocation). */
export function heap(backend: WasmBackendLike): ArrayBuffer {
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}
