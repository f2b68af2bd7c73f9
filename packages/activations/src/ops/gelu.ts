/**
 * GELU as ops with hand-written backward passes: exact (erf) and GPT-2's tanh approximation.
 * tfjs-core has no GELU op (style.md §1, tensorflow/tfjs); composing it from `erf` or `tanh` works
 * on every backend (wasm has `Erf` and `Tanh` kernels, toolchain.md §11.3). The explicit backward
 * replaces the chain rule through ~8 elementwise kernels with ~5.
 *
 * References:
 * 1. Hendrycks & Gimpel, "Gaussian Error Linear Units (GELUs)", arXiv 1606.08415.
 * 2. The authors use the exact form, `ACT2FN["gelu"]` (paper-reference §2 item 5, model_utils.py:266).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp, hasFusedKernel, runFusedKernel } from '@normfree/core/tfjs';

const SQRT1_2 = Math.SQRT1_2; // 1/√2
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI); // φ(0)
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const TANH_CUBIC = 0.044715;

/**
 * Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), as PyTorch's `F.gelu` computes it.
 *
 * @param x - any shape, float32.
 * @returns same shape; caller owns it. Gradient: Φ(x) + x·φ(x).
 * @example
 * ```ts
 * geluErf(tf.tensor1d([-1, 0, 1])).print(); // [-0.1587, 0, 0.8413]
 * ```
 */
export function geluErf<T extends tf.Tensor>(x: T): T {
  if (x.dtype === 'float32' && hasFusedKernel('geluErf') && hasFusedKernel('geluErfGrad')) return fusedGeluErf(x) as T;
  const op = customOp(([input]: [tf.Tensor], save) => {
    const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(input, SQRT1_2)))); // Φ(x), same shape as x
    save([input, cdf]);
    return {
      value: tf.mul(input, cdf), // x·Φ(x)
      gradFunc: (dy, saved) => {
        const [savedInput, savedCdf] = saved as [tf.Tensor, tf.Tensor];
        const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(savedInput)))); // φ(x)
        return tf.mul(dy, tf.add(savedCdf, tf.mul(savedInput, pdf))); // dy·(Φ(x) + x·φ(x))
      },
    };
  });
  return op(x) as T;
}

/**
 * Exact GELU through the backend's fused kernels (`@normfree/core/tfjs` fusedKernelNames: one pass
 * forward and one backward, the same float operations as the composed path above). Saves only x:
 * the backward recomputes Φ(x) with φ(x).
 */
const fusedGeluErf = customOp(([input]: [tf.Tensor], save) => {
  save([input]);
  return {
    value: runFusedKernel('geluErf', { x: input }) as tf.Tensor, // x·Φ(x), same shape as x
    gradFunc: (dy, saved) => runFusedKernel('geluErfGrad', { x: saved[0]!, dy }), // dy·(Φ(x) + x·φ(x))
  };
});

/**
 * GPT-2's tanh approximation (`gelu_new`): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 * Not what the authors used; kept for comparison.
 *
 * @param x - any shape, float32.
 * @returns same shape; caller owns it.
 */
export function geluTanh<T extends tf.Tensor>(x: T): T {
  const op = customOp(([input]: [tf.Tensor], save) => {
    const inner = tf.mul(SQRT_2_OVER_PI, tf.add(input, tf.mul(TANH_CUBIC, tf.pow(input, 3)))); // u(x)
    const tanh = tf.tanh(inner); // tanh(u)
    save([input, tanh]);
    return {
      value: tf.mul(tf.mul(0.5, input), tf.add(1, tanh)),
      gradFunc: (dy, saved) => {
        const [savedInput, savedTanh] = saved as [tf.Tensor, tf.Tensor];
        // d/dx = 0.5(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)
        const sech2 = tf.sub(1, tf.square(savedTanh));
        const du = tf.mul(SQRT_2_OVER_PI, tf.add(1, tf.mul(3 * TANH_CUBIC, tf.square(savedInput))));
        const grad = tf.add(tf.mul(0.5, tf.add(1, savedTanh)), tf.mul(tf.mul(0.5, savedInput), tf.mul(sech2, du)));
        return tf.mul(dy, grad);
      },
    };
  });
  return op(x) as T;
}
