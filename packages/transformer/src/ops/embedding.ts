/**
 * Embedding lookup with an explicit backward. `tf.gather`'s gradient needs `UnsortedSegmentSum`,
 * which the wasm backend lacks ("Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'",
 * toolchain.md §11.3). Here dW = onehot(ids)ᵀ @ dy, through the same 2-D non-transposed
 * {@link matmul} (the one-hot matrix is built already transposed, (V, N), so no transpose is needed).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp } from './custom-op.js';
import { matmul } from './matmul.js';

const embeddingOp = customOp(([table, ids]: [tf.Tensor2D, tf.Tensor1D], save) => {
  save([ids]);
  const [vocabSize] = table.shape;
  return {
    value: tf.gather(table, ids), // (V, d)[(N,)] -> (N, d)
    gradFunc: (dy, saved) => {
      const [savedIds] = saved as [tf.Tensor1D];
      const oneHotTransposed = tf.cast(
        tf.equal(tf.reshape(tf.range(0, vocabSize, 1, 'int32'), [vocabSize, 1]), tf.reshape(savedIds, [1, -1])), // (V, 1) == (1, N) -> (V, N)
        'float32',
      );
      return [matmul(oneHotTransposed as tf.Tensor2D, dy as tf.Tensor2D), tf.zerosLike(savedIds)]; // (V, N) @ (N, d) -> (V, d); ids get no gradient
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
