/**
 * The one TF.js environment flag through which a backend says that batched products
 * (n, r, c) @ (n, c, s) are as fast as 2-D ones. `@normfree/backend-native` sets it when its native
 * `BatchMatMul` serves wasm; `@normfree/transformer`'s attention reads it to choose one batched
 * product over per-block 2-D products. Both sides used to spell the flag's name separately (a hidden
 * contract); it is written once, here.
 *
 * The flag's value is a backend NAME, not a boolean: a declaration made for wasm must not switch
 * the path on cpu or webgl after `tf.setBackend` (the per-block path is only a wasm workaround,
 * toolchain.md §11.3).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Name of the TF.js flag; its value is the backend with fast batched products, or `''` for none. */
export const fastBatchedProductsFlag = 'NORMFREE_FAST_BATCHED_MATMUL';

/**
 * Declare that `backendName`'s batched products are fast (`''` withdraws the declaration). Registers
 * the flag on first use: TF.js throws when an unregistered flag is set.
 *
 * @param backendName - e.g. `'wasm'`, or `''`.
 */
export function setFastBatchedProducts(backendName: string): void {
  tf.env().registerFlag(fastBatchedProductsFlag, () => '');
  tf.env().set(fastBatchedProductsFlag, backendName);
}

/**
 * True when the CURRENT backend declared fast batched products through {@link setFastBatchedProducts}.
 * Reads the flag without evaluating it (`getFlags()`), so it is false, not an error, while no one
 * has registered the flag.
 */
export function fastBatchedProducts(): boolean {
  return tf.env().getFlags()[fastBatchedProductsFlag] === tf.getBackend();
}
