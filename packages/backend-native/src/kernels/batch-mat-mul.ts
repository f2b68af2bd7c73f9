/**
 * Native `BatchMatMul`: any transpose flags, batch dimensions equal or one side broadcast (size 1),
 * at SIMD sgemm speed. wasm's own kernel is fast only for 2-D non-transposed products (XNNPACK) and
 * falls back to a naive loop otherwise (toolchain.md §11.3).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernel } from './native-kernel.js';
import { heap, offsetOf, sizeOf } from './wasm-heap.js';

export const batchMatMulKernel: NativeKernel = {
  kernelName: 'BatchMatMul',
  run({ inputs, attrs, backend, addon }) {
    const a = inputs['a'];
    const b = inputs['b'];
    if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    const transposeA = attrs['transposeA'] === true;
    const transposeB = attrs['transposeB'] === true;
    const aRank = a.shape.length;
    const bRank = b.shape.length;
    if (aRank < 2 || bRank < 2) return null;
    const M = (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) ?? 0;
    const K = (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) ?? 0;
    const kB = (transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) ?? 0;
    const N = (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) ?? 0;
    if (K !== kB) return null; // let TF.js report the shape error
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = sizeOf(outerA);
    const batchB = sizeOf(outerB);
    let outer: number[];
    if (batchA === batchB && outerA.length === outerB.length && outerA.every((size, index) => size === outerB[index]))
      outer = outerA;
    else if (batchB === 1 && outerB.length <= outerA.length) outer = outerA;
    else if (batchA === 1 && outerA.length <= outerB.length) outer = outerB;
    else return null; // general broadcasting: rare; the original kernel handles it
    const batch = Math.max(batchA, batchB);
    if (K === 0 && batch * M * N > 0) return null; // all-zero product: the original handles it (decide before allocating)
    const out: TensorInfo = backend.makeOutput([...outer, M, N], 'float32');
    if (batch * M * N === 0) return out;
    addon.matmul(
      heap(backend),
      batch,
      M,
      N,
      K,
      offsetOf(backend, a),
      batchA === 1 ? 0 : M * K,
      offsetOf(backend, b),
      batchB === 1 ? 0 : K * N,
      offsetOf(backend, out),
      transposeA,
      transposeB,
    );
    return out;
  },
};
