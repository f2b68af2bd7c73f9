/**
 * NumPy-style broadcasting of two shapes, as the native binary kernels take it: both shapes padded
 * with leading 1s to one rank, the output shape, and each input's strides with 0 on broadcast axes.
 */
import { sizeOf } from './wasm-heap.js';

export interface BroadcastPlan {
  readonly rank: number;
  readonly outShape: number[];
  readonly stridesA: number[];
  readonly stridesB: number[];
}

/** Native kernels take at most this many axes. */
const maxRank = 8;

/**
 * @param minRank - pad to at least this rank (1 lets scalars through as shape [1]).
 * @returns null when the shapes do not broadcast (the original kernel then reports the error) or the
 *   rank exceeds what the native kernels take.
 */
export function broadcastPlan(a: readonly number[], b: readonly number[], minRank: number): BroadcastPlan | null {
  const rank = Math.max(a.length, b.length, minRank);
  if (rank > maxRank) return null;
  const padded = (shape: readonly number[]): number[] => [
    ...Array.from({ length: rank - shape.length }, () => 1),
    ...shape,
  ];
  const shapeA = padded(a);
  const shapeB = padded(b);
  const outShape: number[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const sizeA = shapeA[axis] ?? 1;
    const sizeB = shapeB[axis] ?? 1;
    if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) return null;
    outShape.push(sizeA === 1 ? sizeB : sizeA);
  }
  const strides = (shape: number[]): number[] =>
    shape.map((size, axis) => (size === 1 ? 0 : sizeOf(shape.slice(axis + 1))));
  return { rank, outShape, stridesA: strides(shapeA), stridesB: strides(shapeB) };
}
