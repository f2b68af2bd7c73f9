/**
 * Native `Exp`, `Tanh` (AVX2 polynomial, ≈2 ulp) and last-axis `Softmax`. wasm computes exp with a
 * scalar libm call (≈13 ns per element; toolchain.md §11.9), which dominates the [B·T, V] logits path.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernel } from './native-kernel.js';
import { broadcastPlan } from './broadcast.js';
import { heap, offsetOf, sizeOf } from './wasm-heap.js';

const unaryOps = { Exp: 0, Tanh: 1, Erf: 2 } as const;

function unaryKernel(kernelName: keyof typeof unaryOps): NativeKernel {
  return {
    kernelName,
    run({ inputs, backend, addon }) {
      const x = inputs['x'];
      if (x === undefined || x.dtype !== 'float32') return null;
      const size = sizeOf(x.shape);
      if (size < 64) return null; // N-API call overhead beats the work on tiny tensors
      const out: TensorInfo = backend.makeOutput([...x.shape], 'float32');
      addon.unary(heap(backend), unaryOps[kernelName], size, offsetOf(backend, x), offsetOf(backend, out));
      return out;
    },
  };
}

export const expKernel = unaryKernel('Exp');
export const tanhKernel = unaryKernel('Tanh');
/** Erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), the formula of TF.js's own Erf kernels; exact GELU uses it. */
export const erfKernel = unaryKernel('Erf');

export const softmaxKernel: NativeKernel = {
  kernelName: 'Softmax',
  run({ inputs, attrs, backend, addon }) {
    const logits = inputs['logits'];
    if (logits === undefined || logits.dtype !== 'float32' || logits.shape.length === 0) return null;
    const dim = attrs['dim'];
    const last = logits.shape.length - 1;
    if (dim !== undefined && dim !== -1 && dim !== last) return null;
    const cols = logits.shape[last] ?? 0;
    const size = sizeOf(logits.shape);
    if (size === 0 || cols === 0) return null;
    const out: TensorInfo = backend.makeOutput([...logits.shape], 'float32');
    addon.softmaxRows(heap(backend), size / cols, cols, offsetOf(backend, logits), offsetOf(backend, out));
    return out;
  },
};

/**
 * Native `Equal` for float32/int32 with any broadcasting (up to rank 8). The model's one-hot
 * matrices are `equal((N, 1), (1, V))` comparisons of ≈8 M elements, which wasm broadcasts slowly
 * (≈680 ms each in a profiled step: docs/performance.md).
 */
export const equalKernel: NativeKernel = {
  kernelName: 'Equal',
  run({ inputs, backend, addon }) {
    const a = inputs['a'];
    const b = inputs['b'];
    if (a === undefined || b === undefined || a.dtype !== b.dtype || (a.dtype !== 'float32' && a.dtype !== 'int32'))
      return null;
    const plan = broadcastPlan(a.shape, b.shape, 1);
    if (plan === null) return null; // TF.js reports the error
    const { rank, outShape } = plan;
    const total = sizeOf(outShape);
    if (total > 0 && total < 256) return null; // the original is fine for small ones (decided before allocating)
    const out: TensorInfo = backend.makeOutput(outShape.slice(rank - Math.max(a.shape.length, b.shape.length)), 'bool');
    if (total === 0) return out;
    const dims = new Int32Array([rank, ...outShape, ...plan.stridesA, ...plan.stridesB]);
    addon.equal(
      heap(backend),
      dims,
      offsetOf(backend, a),
      offsetOf(backend, b),
      offsetOf(backend, out),
      a.dtype === 'float32',
    );
    return out;
  },
};
