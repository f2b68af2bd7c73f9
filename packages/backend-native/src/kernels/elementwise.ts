/**
 * Native `Exp`, `Tanh` (AVX2 polynomial, ≈2 ulp) and last-axis `Softmax`. wasm computes exp with a
 * scalar libm call (≈13 ns per element; toolchain.md §11.9), which dominates the [B·T, V] logits path.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernel } from './native-kernel.js';
import { heap, offsetOf, sizeOf } from './wasm-heap.js';

const unaryOps = { Exp: 0, Tanh: 1 } as const;

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
