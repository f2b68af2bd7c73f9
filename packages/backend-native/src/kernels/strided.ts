/**
 * `Transpose`, `Slice` and `SplitV` as one native strided copy, and float32 `Add`/`Sub`/`Multiply`/
 * `RealDiv` (any broadcasting) and `Sum` over a contiguous block of axes as native loops. In a profiled
 * step of the model these wasm kernels took ≈25 % of the time once the matmuls were native: Transpose
 * in every matmul backward, SplitV/Slice of column blocks, broadcast Sub/Mul over the (N, V) logits,
 * and Sum for reductions over the leading axis, which wasm does by transposing first
 * (docs/performance.md).
 */
import { backend_util, slice_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from '../addon.js';
import type { NativeKernel } from './native-kernel.js';
import { broadcastPlan } from './broadcast.js';
import { heap, offsetOf, sizeOf, type WasmBackendLike } from './wasm-heap.js';

const elementBytes = { float32: 4, int32: 4, bool: 1 } as Record<string, number | undefined>;

function stridesOf(shape: readonly number[]): number[] {
  return shape.map((_, axis) => sizeOf(shape.slice(axis + 1)));
}

/** Copy the view (shape, element strides, element offset) of `x` into a new contiguous tensor. */
function copyView(
  backend: WasmBackendLike,
  addon: NativeAddon,
  x: TensorInfo,
  shape: number[],
  strides: number[],
  start: number,
): TensorInfo {
  const bytes = elementBytes[x.dtype] ?? 4;
  const out = backend.makeOutput(shape, x.dtype);
  if (sizeOf(shape) === 0) return out;
  const rank = Math.max(shape.length, 1);
  const dims = shape.length === 0 ? new Int32Array([1, 1, 1]) : new Int32Array([rank, ...shape, ...strides]);
  addon.stridedCopy(heap(backend), dims, offsetOf(backend, x) + start * bytes, offsetOf(backend, out), bytes);
  return out;
}

export const transposeKernel: NativeKernel = {
  kernelName: 'Transpose',
  run({ inputs, attrs, backend, addon }) {
    const x = inputs['x'];
    const perm = attrs['perm'];
    if (
      x === undefined ||
      elementBytes[x.dtype] === undefined ||
      !Array.isArray(perm) ||
      perm.length !== x.shape.length ||
      x.shape.length > 8
    )
      return null;
    if (sizeOf(x.shape) < 64) return null;
    const strides = stridesOf(x.shape);
    const axes = perm as number[];
    return copyView(
      backend,
      addon,
      x,
      axes.map((axis) => x.shape[axis] ?? 0),
      axes.map((axis) => strides[axis] ?? 0),
      0,
    );
  },
};

export const sliceKernel: NativeKernel = {
  kernelName: 'Slice',
  run({ inputs, attrs, backend, addon }) {
    const x = inputs['x'];
    if (x === undefined || elementBytes[x.dtype] === undefined || x.shape.length === 0 || x.shape.length > 8)
      return null;
    const [begin, size] = slice_util.parseSliceParams(x, attrs['begin'] as number[], attrs['size'] as number[]);
    if (begin === undefined || size === undefined) return null;
    if (sizeOf(size) < 64) return null;
    const strides = stridesOf(x.shape);
    const start = begin.reduce((sum, value, axis) => sum + value * (strides[axis] ?? 0), 0);
    return copyView(backend, addon, x, size, strides, start);
  },
};

export const splitVKernel: NativeKernel = {
  kernelName: 'SplitV',
  run({ inputs, attrs, backend, addon }) {
    const x = inputs['x'];
    if (x === undefined || elementBytes[x.dtype] === undefined || x.shape.length === 0 || x.shape.length > 8)
      return null;
    const axis = util.parseAxisParam(attrs['axis'] as number, x.shape)[0] ?? 0;
    const sizes = backend_util.prepareSplitSize(x, attrs['numOrSizeSplits'] as number[] | number, axis);
    const strides = stridesOf(x.shape);
    let begin = 0;
    return sizes.map((size) => {
      const shape = [...x.shape];
      shape[axis] = size;
      const out = copyView(backend, addon, x, shape, strides, begin * (strides[axis] ?? 0));
      begin += size;
      return out;
    });
  },
};

const binaryOps = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3 } as const;

function binaryKernel(kernelName: keyof typeof binaryOps): NativeKernel {
  return {
    kernelName,
    run({ inputs, backend, addon }) {
      const a = inputs['a'];
      const b = inputs['b'];
      if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
      if (a.shape.length === 0 && b.shape.length === 0) return null; // scalars: nothing to gain
      const plan = broadcastPlan(a.shape, b.shape, 0);
      if (plan === null) return null;
      if (sizeOf(plan.outShape) < 4096) return null; // wasm is fine on small tensors; N-API overhead is not free
      const out: TensorInfo = backend.makeOutput(plan.outShape, 'float32');
      const dims = new Int32Array([plan.rank, ...plan.outShape, ...plan.stridesA, ...plan.stridesB]);
      addon.binary(
        heap(backend),
        binaryOps[kernelName],
        dims,
        offsetOf(backend, a),
        offsetOf(backend, b),
        offsetOf(backend, out),
      );
      return out;
    },
  };
}

export const addKernel = binaryKernel('Add');
export const subKernel = binaryKernel('Sub');
export const multiplyKernel = binaryKernel('Multiply');
export const realDivKernel = binaryKernel('RealDiv');

function reduceKernel(kernelName: 'Sum' | 'Max', axisAttribute: 'axis' | 'reductionIndices'): NativeKernel {
  return {
    kernelName,
    run({ inputs, attrs, backend, addon }) {
      const x = inputs['x'];
      if (x === undefined || x.dtype !== 'float32' || x.shape.length === 0) return null;
      const axes = [...new Set(util.parseAxisParam(attrs[axisAttribute] as number | number[], x.shape))].sort(
        (p, q) => p - q,
      );
      const first = axes[0];
      const last = axes.at(-1);
      if (first === undefined || last === undefined || last - first + 1 !== axes.length) return null; // not one block of axes
      const size = sizeOf(x.shape);
      if (size < 4096) return null;
      const outer = sizeOf(x.shape.slice(0, first));
      const reduce = sizeOf(x.shape.slice(first, last + 1));
      const inner = sizeOf(x.shape.slice(last + 1));
      const keepDims = attrs['keepDims'] === true;
      const outShape = keepDims
        ? x.shape.map((dimension, axis) => (axes.includes(axis) ? 1 : dimension))
        : x.shape.filter((_, axis) => !axes.includes(axis));
      const out: TensorInfo = backend.makeOutput(outShape, 'float32');
      addon.reduceSum(
        heap(backend),
        outer,
        reduce,
        inner,
        offsetOf(backend, x),
        offsetOf(backend, out),
        kernelName === 'Max',
      );
      return out;
    },
  };
}

/** Sum over one contiguous block of axes (wasm transposes first when they are not the innermost). */
export const sumKernel = reduceKernel('Sum', 'axis');
/** Max over one contiguous block of axes (the cross-entropy's row max over (N, V)); NaN propagates. */
export const maxKernel = reduceKernel('Max', 'reductionIndices');
