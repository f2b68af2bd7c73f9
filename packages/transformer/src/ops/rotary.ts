/**
 * Rotary position embedding on the first `rotaryDims` dimensions of each head, GPT-NeoX style
 * ("rotate half": the rotated dims are split into two halves x1, x2 and mapped to
 * x·cos + (−x2, x1)·sin), as HF `GPTNeoXAttention` applies it (paper-reference §3.8: Pythia's
 * rotary_pct 0.25, rotary_emb_base 10000).
 *
 * References:
 * 1. Su et al., "RoFormer: Enhanced Transformer with Rotary Position Embedding", arXiv 2104.09864.
 * 2. HF transformers `modeling_gpt_neox.py`: `GPTNeoXRotaryEmbedding`, `rotate_half`, `apply_rotary_pos_emb`.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Options of {@link applyRotary}. */
export interface RotaryOptions {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly nHead: number;
  /** Rotated dimensions per head (even; Pythia: head dim · 0.25). */
  readonly rotaryDims: number;
  /** Frequency base (Pythia: 10000). */
  readonly base: number;
}

/**
 * The (T, rotaryDims) cos and sin tables: angle(t, j) = t · base^(−2(j mod r/2)/r), both halves alike.
 * Computed in float64, stored float32.
 */
export function rotaryTables(
  seqLen: number,
  rotaryDims: number,
  base: number,
): { cos: Float32Array; sin: Float32Array } {
  const half = rotaryDims / 2;
  const cos = new Float32Array(seqLen * rotaryDims);
  const sin = new Float32Array(seqLen * rotaryDims);
  for (let position = 0; position < seqLen; position++) {
    for (let dim = 0; dim < rotaryDims; dim++) {
      const inverseFrequency = 1 / base ** ((2 * (dim % half)) / rotaryDims);
      cos[position * rotaryDims + dim] = Math.cos(position * inverseFrequency);
      sin[position * rotaryDims + dim] = Math.sin(position * inverseFrequency);
    }
  }
  return { cos, sin };
}

/**
 * Rotate the first `rotaryDims` dims of every head by its position; the rest pass through.
 *
 * @param x - (B·T, nh·hs) queries or keys, rows batch-major, heads contiguous in the columns.
 * @returns (B·T, nh·hs); caller owns it. Differentiable; preserves each head's norm.
 */
export function applyRotary(x: tf.Tensor2D, options: RotaryOptions): tf.Tensor2D {
  const { batchSize: B, seqLen: T, nHead: nh, rotaryDims: r, base } = options;
  const width = x.shape[1];
  const hs = width / nh;
  if (r % 2 !== 0 || r < 0 || r > hs)
    throw new Error(`applyRotary: rotaryDims must be even and at most the head dim ${hs}, got ${r}`);
  if (r === 0) return tf.clone(x);
  return tf.tidy(() => {
    const { cos, sin } = rotaryTables(T, r, base);
    const cosTable = tf.tensor4d(cos, [1, T, 1, r]); // (1, T, 1, r)
    const sinTable = tf.tensor4d(sin, [1, T, 1, r]); // (1, T, 1, r)
    const heads = tf.reshape(x, [B, T, nh, hs]); // (B, T, nh, hs)
    const [rotated, passed] = r === hs ? [heads, undefined] : tf.split(heads, [r, hs - r], 3); // (B, T, nh, r), (B, T, nh, hs − r)
    const [first, second] = tf.split(rotated, 2, 3); // 2 × (B, T, nh, r/2)
    const turned = tf.concat([tf.neg(second!), first!], 3); // (B, T, nh, r): rotate_half
    const embedded = tf.add(tf.mul(rotated, cosTable), tf.mul(turned, sinTable)); // (B, T, nh, r)
    const merged = passed === undefined ? embedded : tf.concat([embedded, passed], 3); // (B, T, nh, hs)
    return tf.reshape(merged, [B * T, width]) as tf.Tensor2D; // (B·T, nh·hs)
  });
}
