import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { geluErf, geluTanh } from './gelu.js';

/** float32 erf on cpu/wasm is an approximation with |error| ≤ 1.5e-7; GELU values agree to this. */
const GELU_ABSOLUTE = 1e-6;
/** The tanh form's documented maximum deviation from the exact form on [−3, 3] is ≈ 2.9e-4 (< 1e-3). */
const APPROXIMATION_ABSOLUTE = 1e-3;
/** Central finite differences in float64 of the exact formula vs our float32 backward. */
const GRADIENT_ABSOLUTE = 1e-5;

/** Exact GELU in float64 via a high-precision erf (Abramowitz–Stegun 7.1.26 is too coarse; use a series). */
function erf64(x: number): number {
  // Maclaurin series, converges well for |x| ≤ 3 with 60 terms
  let sum = 0;
  let term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const gelu64 = (x: number): number => 0.5 * x * (1 + erf64(x / Math.SQRT2));

const grid = Array.from({ length: 61 }, (_, index) => -3 + index * 0.1); // [−3, 3]

afterEach(() => {
  tf.disposeVariables();
});

describe.each(['cpu', 'wasm'] as const)('GELU ops on %s', (backend) => {
  it('computes exact GELU as x·Φ(x), within 1e-6 of a float64 reference on [−3, 3]', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(grid);
    const y = geluErf(x);
    const values = y.dataSync();
    grid.forEach((value, index) => expect(Math.abs(values[index]! - gelu64(value))).toBeLessThanOrEqual(GELU_ABSOLUTE));
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
  });

  it('agrees between the erf and tanh forms within 1e-3 on [−3, 3]', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const worst = tf.tidy(() => {
      const x = tf.tensor1d(grid);
      return tf.max(tf.abs(tf.sub(geluErf(x), geluTanh(x)))).dataSync()[0]!;
    });
    expect(worst).toBeLessThanOrEqual(APPROXIMATION_ABSOLUTE);
    expect(worst).toBeGreaterThan(1e-5); // they really are different functions
    await tf.setBackend('cpu');
  });

  it('has gradients equal to finite differences of the formulas', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(grid);
    const exactGradient = tf.grad((input: tf.Tensor) => tf.sum(geluErf(input)))(x);
    const tanhGradient = tf.grad((input: tf.Tensor) => tf.sum(geluTanh(input)))(x);
    const exact = exactGradient.dataSync();
    const tanh = tanhGradient.dataSync();
    const tanh64 = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const h = 1e-5;
    grid.forEach((value, index) => {
      expect(Math.abs(exact[index]! - (gelu64(value + h) - gelu64(value - h)) / (2 * h))).toBeLessThanOrEqual(
        GRADIENT_ABSOLUTE,
      );
      expect(Math.abs(tanh[index]! - (tanh64(value + h) - tanh64(value - h)) / (2 * h))).toBeLessThanOrEqual(
        GRADIENT_ABSOLUTE,
      );
    });
    tf.dispose([x, exactGradient, tanhGradient]);
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
  });

  it('propagates NaN', async () => {
    await selectBackend({ prefer: backend, strict: true, quiet: true });
    const values = tf.tidy(() => geluErf(tf.tensor1d([Number.NaN, 1])).dataSync());
    expect(Number.isNaN(values[0]!)).toBe(true);
    expect(values[1]).toBeCloseTo(0.841345, 5);
    await tf.setBackend('cpu');
  });
});
