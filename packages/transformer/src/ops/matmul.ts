/**
 * The one matrix product of the models. Every product is a 2-D, non-transposed `tf.matMul`, forward
 * AND backward: wasm's `BatchMatMul` takes XNNPACK's fast path only when `!transposeA &&
 * !transposeB && batch == 1` and falls back to a naive loop otherwise; TF.js's built-in matMul
 * gradient uses transposed products. Routing every product through here measured 6.8× faster
 * training on wasm, and it is harmless on cpu, webgl and webgpu (toolchain.md §11.3).
 *
 * A faster kernel (e.g. a native sgemm, packages/backend-native) can be swapped in here without
 * touching the models.
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp, fastBatchedProducts } from '@normfree/core/tfjs';

/**
 * The raw kernel call, no gradient: a 2-D, non-transposed `tf.matMul`. Everything in this package
 * that multiplies matrices ends here (also the attention's hand-written backward), so this is the
 * single place to swap in a faster kernel.
 *
 * @param a - (M, K).
 * @param b - (K, N).
 * @returns (M, N); caller owns it.
 */
export function product2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(a, b); // (M, K) @ (K, N) -> (M, N), XNNPACK's fast path on wasm
}

/**
 * Stacked products a[i] @ b[i], no gradient (used inside hand-written backward passes).
 *
 * On wasm: one 2-D non-transposed {@link product2d} per block, blocks cut with `tf.gather` along the
 * leading axis (never `tf.slice` / `tf.unstack`: tfjs-backend-wasm 4.22.0's Slice kernel copies its
 * whole input on every call, kernels/Slice.js:23, so n slices cost n full copies), results joined by
 * one `tf.concat`. wasm's batched `BatchMatMul` is a naive loop (toolchain.md §11.3); at the bench
 * shapes (64 blocks of (128, 32) @ (32, 128)) the two measured about equal (41-55 vs 43-48 ms, loaded
 * 2-vCPU machine), and the per-block path wins as the head dimension grows.
 * Elsewhere (cpu, webgl, webgpu), and on wasm with a native batched kernel (`fastBatchedProducts()`
 * from `@normfree/core/tfjs`): one batched `tf.matMul`, since n small dispatches cost more there than
 * one batched kernel.
 *
 * @param a - (n, r, c).
 * @param b - (n, c, s).
 * @returns (n, r, s); caller owns it.
 */
export function blockProducts(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [n, r, c] = a.shape;
  const s = b.shape[2];
  if (b.shape[0] !== n || b.shape[1] !== c)
    throw new Error(
      `blockProducts: expected (n, r, c) @ (n, c, s), got [${a.shape.join(', ')}] @ [${b.shape.join(', ')}]`,
    );
  // One batched kernel call off wasm, or where a native BatchMatMul (packages/backend-native) declared
  // batched products fast through core's fastBatchedProductsFlag; the results are the same products.
  if (tf.getBackend() !== 'wasm' || fastBatchedProducts()) return tf.matMul(a, b); // (n, r, c) @ (n, c, s) -> (n, r, s)
  return tf.tidy(() => {
    const products: tf.Tensor2D[] = [];
    for (let index = 0; index < n; index++) {
      const which = tf.tensor1d([index], 'int32'); // (1,)
      const blockA = tf.reshape(tf.gather(a, which), [r, c]) as tf.Tensor2D; // (1, r, c) -> (r, c)
      const blockB = tf.reshape(tf.gather(b, which), [c, s]) as tf.Tensor2D; // (1, c, s) -> (c, s)
      products.push(product2d(blockA, blockB)); // (r, c) @ (c, s) -> (r, s)
    }
    return tf.reshape(tf.concat(products, 0), [n, r, s]); // n × (r, s) -> (n·r, s) -> (n, r, s)
  });
}

/**
 * op(a) @ op(b) for 2-D operands, where op transposes when asked, no gradient. Where the backend
 * declared fast products (`fastBatchedProducts()`: the native sgemm of packages/backend-native, which
 * reads a transposed operand while packing it) the flags go to one `tf.matMul`; elsewhere the
 * transposes are explicit and the product is {@link product2d} (toolchain.md §11.3). Both give the
 * same sums in the same order: the native kernel packs the same panels either way.
 *
 * @param a - (M, K), or (K, M) with `transposeA`.
 * @param b - (K, N), or (N, K) with `transposeB`.
 * @returns (M, N); caller owns it.
 */
export function product2dT(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (fastBatchedProducts()) return tf.matMul(a, b, transposeA, transposeB); // op(a) (M, K) @ op(b) (K, N) -> (M, N)
  return tf.tidy(() => product2d(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b)); // (M, K) @ (K, N) -> (M, N)
}

/**
 * Stacked products op(a[i]) @ op(b[i]), op transposing the last two axes when asked, no gradient:
 * {@link product2dT} for stacks. One batched `tf.matMul` with the flags where the backend declared
 * fast batched products; explicit transposes and {@link blockProducts} elsewhere.
 *
 * @param a - (n, r, c), or (n, c, r) with `transposeA`.
 * @param b - (n, c, s), or (n, s, c) with `transposeB`.
 * @returns (n, r, s); caller owns it.
 */
export function blockProductsT(a: tf.Tensor3D, b: tf.Tensor3D, transposeA: boolean, transposeB: boolean): tf.Tensor3D {
  if (fastBatchedProducts()) return tf.matMul(a, b, transposeA, transposeB); // op(a) (n, r, c) @ op(b) (n, c, s) -> (n, r, s)
  return tf.tidy(() =>
    blockProducts(transposeA ? tf.transpose(a, [0, 2, 1]) : a, transposeB ? tf.transpose(b, [0, 2, 1]) : b),
  ); // (n, r, c) @ (n, c, s) -> (n, r, s)
}

const matmulOp = customOp(([a, b]: [tf.Tensor2D, tf.Tensor2D], save) => {
  save([a, b]);
  return {
    value: product2d(a, b), // (M, K) @ (K, N) -> (M, N)
    gradFunc: (dy, saved) => {
      const [savedA, savedB] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [
        product2dT(dy as tf.Tensor2D, savedB, false, true), // (M, N) @ (K, N)ᵀ -> (M, K) = dA
        product2dT(savedA, dy as tf.Tensor2D, true, false), // (M, K)ᵀ @ (M, N) -> (K, N) = dB
      ];
    },
  };
});

/**
 * a @ b for 2-D tensors, with an explicit backward that also uses only non-transposed 2-D products.
 *
 * @param a - (M, K) float32.
 * @param b - (K, N) float32.
 * @returns (M, N); caller owns it.
 * @throws Error naming both shapes when they are not 2-D or the inner dimensions differ.
 * @example
 * ```ts
 * matmul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).print(); // [[11]]
 * ```
 */
export function matmul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) {
    throw new Error(`matmul: expected (M, K) @ (K, N), got [${a.shape.join(', ')}] @ [${b.shape.join(', ')}]`);
  }
  return matmulOp(a, b) as tf.Tensor2D;
}

/**
 * The authors' `MyConv1D`: `x @ W + b` with W stored (in, out) (model_utils.py:300,
 * paper-reference §3.5). Omit `bias` for the linears whose bias is frozen at zero.
 *
 * @param x - (N, in).
 * @param weight - (in, out).
 * @param bias - (out,) or undefined.
 * @returns (N, out); caller owns it.
 */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  const product = matmul(x, weight); // (N, in) @ (in, out) -> (N, out)
  if (bias === undefined) return product;
  return tf.tidy(() => {
    const sum = tf.add(product, bias); // (N, out) + (out,)
    product.dispose();
    return sum;
  }) as tf.Tensor2D;
}
