import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { fastBatchedProducts, fastBatchedProductsFlag, setFastBatchedProducts } from './fast-batched-products.js';

afterEach(() => {
  setFastBatchedProducts('');
  tf.disposeVariables();
});

describe('fastBatchedProducts', () => {
  it('keeps the flag name both backend-native and the transformer rely on', () => {
    // renaming it is a breaking change for every app that sets it by hand
    expect(fastBatchedProductsFlag).toBe('NORMFREE_FAST_BATCHED_MATMUL');
  });

  it('is true only while the flag names the current backend', () => {
    const current = tf.getBackend();
    setFastBatchedProducts('');
    expect(fastBatchedProducts()).toBe(false);
    setFastBatchedProducts(`not-${current}`);
    expect(fastBatchedProducts()).toBe(false);
    setFastBatchedProducts(current);
    expect(fastBatchedProducts()).toBe(true);
    expect(tf.env().getFlags()[fastBatchedProductsFlag]).toBe(current);
    setFastBatchedProducts('');
    expect(fastBatchedProducts()).toBe(false);
  });
});
