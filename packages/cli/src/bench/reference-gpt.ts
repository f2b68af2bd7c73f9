/**
 * The benchmark step of toolchain.md §11 (item b), kept here so `normfree bench` can time a training
 * step even where `@normfree/transformer` is not built: a pre-LN GPT with tanh-GELU, tied LM head,
 * learned positions and causal softmax attention, written in tfjs-core ops with the wasm-friendly
 * formulation (2-D non-transposed matmuls with explicit backward; embedding with a custom gradient,
 * since wasm has no `UnsortedSegmentSum`: toolchain.md §11.3). The bench prefers the real model.
 *
 * References:
 *   1. toolchain.md §11 (benchmark b), §11.3 (the XNNPACK fast-path rule).
 *   2. karpathy/nanoGPT model.py (the block structure).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ReferenceGptConfig {
  readonly vocabSize: number;
  readonly blockSize: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly nEmbd: number;
  readonly nInner: number;
}

export interface ReferenceGpt {
  readonly variables: tf.Variable[];
  /** Mean next-token cross-entropy of ids (B, T); caller owns the scalar. */
  loss(ids: tf.Tensor2D): tf.Scalar;
  dispose(): void;
}

/** x (N, K) @ w (K, M) with a backward pass that also uses only 2-D non-transposed products. */
const linearWithGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w), // (N, K) @ (K, M) -> (N, M)
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)]; // (N, K), (K, M)
    },
  };
});
const linear = (x: tf.Tensor, w: tf.Tensor): tf.Tensor2D => linearWithGrad(x, w) as tf.Tensor2D;

/** Row lookup table[ids] with dTable = oneHot(ids)ᵀ @ dy (wasm has no UnsortedSegmentSum). */
function embed(table: tf.Tensor, ids: tf.Tensor): tf.Tensor2D {
  const vocab = table.shape[0] ?? 0;
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const weights = args[0] as tf.Tensor2D;
    return {
      value: tf.gather(weights, ids), // (N, d)
      gradFunc: (dy: tf.Tensor) => [tf.matMul(tf.transpose(tf.oneHot(ids, vocab)), dy)], // (V, N) @ (N, d)
    };
  });
  return lookup(table) as tf.Tensor2D;
}

function layerNorm(x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gain), bias);
}

function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Build the reference GPT with N(0, 0.02) weights from `seed`. */
export function createReferenceGpt(config: ReferenceGptConfig, seed: number): ReferenceGpt {
  const { vocabSize: V, blockSize: T, nLayer, nHead, nEmbd: d, nInner } = config;
  let counter = seed;
  const normal = (shape: number[]): tf.Variable => tf.variable(tf.randomNormal(shape, 0, 0.02, 'float32', counter++));
  const ones = (size: number): tf.Variable => tf.variable(tf.ones([size]));
  const zeros = (size: number): tf.Variable => tf.variable(tf.zeros([size]));
  const wte = normal([V, d]);
  const wpe = normal([T, d]);
  const layers = Array.from({ length: nLayer }, () => ({
    ln1g: ones(d), ln1b: zeros(d), qkv: normal([d, 3 * d]), proj: normal([d, d]),
    ln2g: ones(d), ln2b: zeros(d), fc: normal([d, nInner]), fcOut: normal([nInner, d]),
  }));
  const lnfg = ones(d);
  const lnfb = zeros(d);
  const variables = [wte, wpe, ...layers.flatMap((layer) => Object.values(layer)), lnfg, lnfb];
  const causalMask = tf.keep(tf.tidy(() => tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([T, T]), -1, 0), 1), 1e9))); // 0 on/below diagonal, -1e9 above
  const hs = d / nHead;

  function loss(ids: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => {
      const [B, length] = ids.shape;
      const flat = tf.reshape(ids, [B * length]);
      const positions = tf.slice(wpe, [0, 0], [length, d]);
      let x = tf.reshape(tf.add(tf.reshape(embed(wte, flat), [B, length, d]), positions), [B * length, d]) as tf.Tensor2D; // (B·T, d)
      const mask = tf.slice(causalMask, [0, 0], [length, length]);
      for (const layer of layers) {
        const h = layerNorm(x, layer.ln1g, layer.ln1b);
        const qkv = linear(h, layer.qkv); // (B·T, 3d)
        const heads = (part: number): tf.Tensor3D =>
          tf.reshape(tf.transpose(tf.reshape(tf.slice(qkv, [0, part * d], [B * length, d]), [B, length, nHead, hs]), [0, 2, 1, 3]), [B * nHead, length, hs]) as tf.Tensor3D;
        const [q, k, v] = [heads(0), heads(1), heads(2)]; // (B·nh, T, hs)
        const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(hs)), mask); // (B·nh, T, T)
        const attention = tf.matMul(tf.softmax(scores), v); // (B·nh, T, hs)
        const merged = tf.reshape(tf.transpose(tf.reshape(attention, [B, nHead, length, hs]), [0, 2, 1, 3]), [B * length, d]) as tf.Tensor2D;
        x = tf.add(x, linear(merged, layer.proj));
        const m = layerNorm(x, layer.ln2g, layer.ln2b);
        x = tf.add(x, linear(geluTanh(linear(m, layer.fc)) as tf.Tensor2D, layer.fcOut));
      }
      const final = layerNorm(x, lnfg, lnfb);
      const logits = tf.reshape(linear(final, tf.transpose(wte)), [B, length, V]); // (B, T, V), tied head
      const shifted = tf.reshape(tf.slice(logits, [0, 0, 0], [B, length - 1, V]), [B * (length - 1), V]);
      const targets = tf.reshape(tf.slice(ids, [0, 1], [B, length - 1]), [B * (length - 1)]);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, V), shifted) as tf.Scalar;
    });
  }

  return {
    variables,
    loss,
    dispose: () => {
      tf.dispose(variables);
      causalMask.dispose();
    },
  };
}
