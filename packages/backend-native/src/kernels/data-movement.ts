/**
 * `Unpack` (tf.unstack), `Pack` (tf.stack) and `Tile` as plain byte copies on the wasm heap
 * (`Uint8Array.copyWithin`, a memmove). The model's attention unstacks (B·nh, T, T) tensors into
 * B·nh 2-D blocks for wasm's fast matmul path, and `tf.where` broadcasts through `Tile`; wasm 4.22.0's
 * own kernels for these took ≈200 ms per Unpack and ≈75 ms per Tile of a 1 M-element tensor in a
 * profiled training step (docs/performance.md). No native code is needed: only the addon's presence
 * gates them, like the other kernels.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernel } from './native-kernel.js';
import { offsetOf, sizeOf, type WasmBackendLike } from './wasm-heap.js';

const bytesPerElement: Partial<Record<DataType, number>> = { float32: 4, int32: 4, bool: 1 };

function normaliseAxis(axis: unknown, rank: number): number | null {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) return null;
  const normalised = axis < 0 ? axis + rank : axis;
  return normalised >= 0 && normalised < rank ? normalised : null;
}

/** Bytes of the heap as they are now (read again after every allocation). */
function bytes(backend: WasmBackendLike): Uint8Array {
  return backend.wasm.HEAPU8;
}

export const unpackKernel: NativeKernel = {
  kernelName: 'Unpack',
  run({ inputs, attrs, backend }) {
    const value = inputs['value'];
    if (value === undefined) return null;
    const elementBytes = bytesPerElement[value.dtype];
    const rank = value.shape.length;
    const axis = normaliseAxis(attrs['axis'], rank);
    if (elementBytes === undefined || axis === null) return null;
    const count = value.shape[axis] ?? 0;
    const outShape = value.shape.filter((_, index) => index !== axis);
    const outer = sizeOf(value.shape.slice(0, axis));
    const innerBytes = sizeOf(value.shape.slice(axis + 1)) * elementBytes;
    const outputs: TensorInfo[] = [];
    for (let index = 0; index < count; index++) outputs.push(backend.makeOutput([...outShape], value.dtype));
    if (outer * innerBytes === 0) return outputs;
    const heapBytes = bytes(backend);
    const source = offsetOf(backend, value);
    outputs.forEach((output, index) => {
      const target = offsetOf(backend, output);
      for (let block = 0; block < outer; block++) {
        const from = source + (block * count + index) * innerBytes;
        heapBytes.copyWithin(target + block * innerBytes, from, from + innerBytes);
      }
    });
    return outputs;
  },
};

export const packKernel: NativeKernel = {
  kernelName: 'Pack',
  run({ inputs, attrs, backend }) {
    const list = Object.values(inputs) as TensorInfo[];
    const first = list[0];
    if (first === undefined) return null;
    const elementBytes = bytesPerElement[first.dtype];
    const rank = first.shape.length + 1;
    const axis = normaliseAxis(attrs['axis'], rank);
    if (elementBytes === undefined || axis === null) return null;
    if (
      list.some(
        (tensor) =>
          tensor.dtype !== first.dtype ||
          tensor.shape.length !== first.shape.length ||
          tensor.shape.some((size, index) => size !== first.shape[index]),
      )
    )
      return null; // TF.js reports the mismatch
    const count = list.length;
    const outShape = [...first.shape.slice(0, axis), count, ...first.shape.slice(axis)];
    const output = backend.makeOutput(outShape, first.dtype);
    const outer = sizeOf(first.shape.slice(0, axis));
    const innerBytes = sizeOf(first.shape.slice(axis)) * elementBytes;
    if (outer * innerBytes === 0) return output;
    const heapBytes = bytes(backend);
    const target = offsetOf(backend, output);
    list.forEach((tensor, index) => {
      const source = offsetOf(backend, tensor);
      for (let block = 0; block < outer; block++) {
        const from = source + block * innerBytes;
        heapBytes.copyWithin(target + (block * count + index) * innerBytes, from, from + innerBytes);
      }
    });
    return output;
  },
};

export const tileKernel: NativeKernel = {
  kernelName: 'Tile',
  run({ inputs, attrs, backend }) {
    const x = inputs['x'];
    const reps = attrs['reps'];
    if (x === undefined || !Array.isArray(reps) || reps.length !== x.shape.length || x.shape.length === 0) return null;
    const elementBytes = bytesPerElement[x.dtype];
    if (elementBytes === undefined || reps.some((rep) => typeof rep !== 'number' || !Number.isInteger(rep) || rep < 0))
      return null;
    const shape = x.shape;
    const repeats = reps as number[];
    const outShape = shape.map((size, index) => size * (repeats[index] ?? 1));
    const output = backend.makeOutput(outShape, x.dtype);
    if (sizeOf(outShape) === 0) return output;
    const heapBytes = bytes(backend);
    const rank = shape.length;
    // Byte strides of the input and the output per axis.
    const inStrides = shape.map((_, axis) => sizeOf(shape.slice(axis + 1)) * elementBytes);
    const outStrides = outShape.map((_, axis) => sizeOf(outShape.slice(axis + 1)) * elementBytes);
    const tileInto = (axis: number, source: number, target: number): void => {
      const size = shape[axis] ?? 0;
      const repeat = repeats[axis] ?? 1;
      if (axis === rank - 1) {
        const row = size * elementBytes;
        for (let copy = 0; copy < repeat; copy++) heapBytes.copyWithin(target + copy * row, source, source + row);
        return;
      }
      const inStride = inStrides[axis] ?? 0;
      const outStride = outStrides[axis] ?? 0;
      for (let index = 0; index < size; index++)
        tileInto(axis + 1, source + index * inStride, target + index * outStride);
      const block = size * outStride; // one copy of this axis, already filled: replicate it
      for (let copy = 1; copy < repeat; copy++) heapBytes.copyWithin(target + copy * block, target, target + block);
    };
    tileInto(0, offsetOf(backend, x), offsetOf(backend, output));
    return output;
  },
};

/**
 * `GatherV2` (batchDims 0) as row copies on the heap: the model cuts per-head blocks with one-index
 * gathers (≈1,500 calls per step), where wasm's kernel spends most of its time in per-call overhead.
 * Out-of-range indices throw TF.js's own message.
 */
export const gatherV2Kernel: NativeKernel = {
  kernelName: 'GatherV2',
  run({ inputs, attrs, backend }) {
    const x = inputs['x'];
    const indices = inputs['indices'];
    if (x === undefined || indices === undefined || indices.dtype !== 'int32' || (attrs['batchDims'] ?? 0) !== 0)
      return null;
    const elementBytes = bytesPerElement[x.dtype];
    const axis = normaliseAxis(attrs['axis'] ?? 0, x.shape.length);
    if (elementBytes === undefined || axis === null) return null;
    const dimension = x.shape[axis] ?? 0;
    const count = sizeOf(indices.shape);
    const heapBefore = bytes(backend);
    const indexValues = new Int32Array(heapBefore.buffer, offsetOf(backend, indices), count).slice(); // copy: the heap may grow below
    for (const index of indexValues) {
      if (index < 0 || index >= dimension)
        throw new Error(`GatherV2: the index value ${index} is not in [0, ${dimension - 1}]`);
    }
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const output = backend.makeOutput(outShape, x.dtype);
    const outer = sizeOf(x.shape.slice(0, axis));
    const rowBytes = sizeOf(x.shape.slice(axis + 1)) * elementBytes;
    if (outer * count * rowBytes === 0) return output;
    const heapBytes = bytes(backend);
    const source = offsetOf(backend, x);
    let target = offsetOf(backend, output);
    for (let block = 0; block < outer; block++) {
      const blockStart = source + block * dimension * rowBytes;
      for (const index of indexValues) {
        const from = blockStart + index * rowBytes;
        heapBytes.copyWithin(target, from, from + rowBytes);
        target += rowBytes;
      }
    }
    return output;
  },
};
