// Test support (not built, not published): every test of a file must dispose its models and
// tensors; the count after each test must equal the count before it.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, expect } from 'vitest';

/** Call at the top level of a test file. Also disposes leftover variables so tests stay independent. */
export function expectNoTensorLeaksPerTest(): void {
  let tensorsBeforeTest = 0;
  beforeEach(() => {
    tensorsBeforeTest = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'tensors left after the test').toBe(tensorsBeforeTest);
    tf.disposeVariables();
  });
}
