/**
 * The two outputs both model families compute from their final hidden states: logits at every
 * position, and the mean next-token loss with Hugging Face's shift (paper-reference §3.6).
 */
import type { ForwardOptions, LanguageModel } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { headCrossEntropy } from './ops/head-cross-entropy.js';

/** The final hidden states of a batch, flattened: (B, T) ids -> (B·T, d). */
export type HiddenStates = (inputIds: tf.Tensor2D, forwardOptions: ForwardOptions) => tf.Tensor2D;
/** The LM head: (N, d) -> (N, V). */
export type LmHead = (states: tf.Tensor2D) => tf.Tensor2D;

/**
 * `forward` and `loss` of a causal LM with width `d` and vocabulary `V`; each runs in its own tidy.
 * `head` gives the logits of `forward`; `loss` applies the same head, `states @ headWeightᵀ`,
 * fused with the cross-entropy in row chunks (ops/head-cross-entropy.ts), so a 50K vocabulary
 * never holds all (B·T, V) logits at once.
 *
 * @param headWeight - (V, d): the head is `states @ headWeightᵀ` (no bias), as `head` computes it.
 */
export function causalLmOutputs(
  hidden: HiddenStates,
  head: LmHead,
  headWeight: tf.Tensor2D,
  d: number,
  V: number,
): Pick<LanguageModel, 'forward' | 'loss'> {
  return {
    forward: (inputIds, forwardOptions) =>
      tf.tidy(() => {
        const [B, T] = inputIds.shape;
        return tf.reshape(head(hidden(inputIds, forwardOptions)), [B, T, V]) as tf.Tensor3D; // (B, T, V)
      }),
    loss: (inputIds, forwardOptions) =>
      tf.tidy(() => {
        const [B, T] = inputIds.shape;
        if (T < 2) throw new Error(`loss needs sequences of at least 2 tokens, got sequence length ${T}`);
        // HF shift (§3.6): logits at 0..T-2 predict ids at 1..T-1; slicing before the head skips a wasted row
        const states = tf.reshape(hidden(inputIds, forwardOptions), [B, T, d]); // (B, T, d)
        const predicting = tf.reshape(tf.slice(states, [0, 0, 0], [B, T - 1, d]), [B * (T - 1), d]) as tf.Tensor2D; // (B·(T-1), d)
        const labels = tf.reshape(tf.slice(inputIds, [0, 1], [B, T - 1]), [B * (T - 1)]) as tf.Tensor1D; // (B·(T-1),)
        return headCrossEntropy(predicting, headWeight, labels); // () mean over B·(T-1) positions of −log softmax(predicting @ headWeightᵀ)[label]
      }),
  };
}
