/**
 * Embedding lookup with an explicit backward. `tf.gather`'s gradient needs `UnsortedSegmentSum`,
 * which the wasm backend lacks ("Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'",
 * toolchain.md §11.3). Here the backward is a scatter-add, dW = Σ_n e_{ids[n]} ⊗ dy[n]
 * (`tf.scatterND` sums duplicate indices on every backend), which equals onehot(ids)ᵀ @ dy at
 * O(N·d) instead of the O(V·N·d) of that product.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from '@normfree/core/tfjs';

const embeddingOp = customOp(([table, ids]: [tf.Tensor2D, tf.Tensor1D], save) => {
  save([ids]);
  const shape = table.shape;
  return {
    value: tf.gather(table, ids), // (V, d)[(N,)] -> (N, d)
    gradFunc: (dy, saved) => {
      const [savedIds] = saved as [tf.Tensor1D];
      const rows = tf.reshape(savedIds, [-1, 1]); // (N, 1) row index of each update
      return [tf.scatterND(rows, dy, shape), tf.zerosLike(savedIds)]; // (V, d), duplicates summed; ids get no gradient
    },
  };
});

/**
 * Rows of `table` for each id.
 *
 * @param table - (V, d) float32 embedding matrix.
 * @param ids - (N,) int32 ids in [0, V).
 * @returns (N, d); caller owns it. The gradient reaches `table` only.
 */
export function embedding(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (ids.dtype !== 'int32') throw new Error(`embedding: ids must be int32, got ${ids.dtype}`);
  return embeddingOp(table, ids) as tf.Tensor2D;
}
