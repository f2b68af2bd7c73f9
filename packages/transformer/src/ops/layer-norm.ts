/**
 * LayerNorm over the last axis with the biased variance, as `torch.nn.LayerNorm` (eps 1e-5 in the
 * authors' models, paper-reference §3.2 and §3.6), with a hand-written backward: about a third of the
 * kernels of autodiff through mean/variance/rsqrt (the Pre-LN bench model has 5 LayerNorms per step).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp, hasFusedKernel, runFusedKernel } from '@normfree/core/tfjs';

/**
 * (x − mean) / √(var + eps) · weight + bias, statistics over the last axis.
 *
 * @param x - (N, C).
 * @param weight - (C,) gain.
 * @param bias - (C,) shift.
 * @param epsilon - added to the biased variance (the authors: 1e-5).
 * @returns (N, C); caller owns it. Differentiable with respect to x, weight and bias.
 * @remarks Backward, with n = (x − μ)·r, r = 1/√(σ² + eps), g = dy·w:
 *   dx = r·(g − mean(g) − n·mean(g·n)), dw = Σ_rows dy·n, db = Σ_rows dy.
 */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  if (x.dtype === 'float32' && hasFusedKernel('layerNorm') && hasFusedKernel('layerNormGrad'))
    return fusedLayerNorm(x, weight, bias, epsilon);
  const op = customOp(([input, gain, shift]: [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D], save) => {
    const centered = tf.sub(input, tf.mean(input, -1, true)); // (N, C)
    const inverseStd = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), epsilon)); // (N, 1), biased variance
    const normed = tf.mul(centered, inverseStd); // (N, C)
    save([normed, inverseStd, gain]);
    return {
      value: tf.add(tf.mul(normed, gain), shift), // (N, C)
      gradFunc: (dy, saved) => {
        const [savedNormed, savedInverseStd, savedGain] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const scaled = tf.mul(dy, savedGain); // (N, C) g = dy·w
        const meanScaled = tf.mean(scaled, -1, true); // (N, 1)
        const meanScaledNormed = tf.mean(tf.mul(scaled, savedNormed), -1, true); // (N, 1)
        const dx = tf.mul(savedInverseStd, tf.sub(tf.sub(scaled, meanScaled), tf.mul(savedNormed, meanScaledNormed))); // (N, C)
        return [dx, tf.sum(tf.mul(dy, savedNormed), 0), tf.sum(dy, 0)]; // (N, C), (C,), (C,)
      },
    };
  });
  return op(x, weight, bias) as tf.Tensor2D;
}

/**
 * {@link layerNorm} through the backend's fused kernels (`@normfree/core/tfjs` fusedKernelNames): one
 * pass forward, one backward, the same formulas (statistics summed in another order than TF.js's
 * Mean kernel, so equal to float rounding, not bit for bit).
 */
function fusedLayerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, epsilon: number): tf.Tensor2D {
  const op = customOp(([input, gain, shift]: [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D], save) => {
    const [y, normed, inverseStd] = runFusedKernel('layerNorm', { x: input, gain, bias: shift }, { epsilon }) as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
    ]; // (N, C), (N, C), (N, 1)
    save([normed, inverseStd, gain]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [savedNormed, savedInverseStd, savedGain] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        return runFusedKernel('layerNormGrad', { dy, normed: savedNormed, invStd: savedInverseStd, gain: savedGain }); // dx (N, C), dgain (C,), dbias (C,)
      },
    };
  });
  return op(x, weight, bias) as tf.Tensor2D;
}
