/**
 * Embedding dropout, shared by both models: HF `embd_pdrop`, active only in training forwards
 * (paper-reference §2 item 4), PyTorch scaling 1/(1 − p).
 *
 * Every mask comes from a seed. A forward with `ForwardOptions.dropoutSeed` uses it (the trainer
 * derives one per micro-batch from the run seed, so a resumed run draws the same masks). A training
 * forward without one takes the next seed of a stream seeded by the model's init seed: the masks
 * still differ call by call, as a fresh random seed's would, but the same model seed and the same
 * sequence of calls give the same masks (issue 22: no `Math.random()` in library code).
 */
import { createRandom, type ForwardOptions } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';

/** Mixed into the init seed so the fallback dropout stream does not replay the init draws ("drop"). */
const dropoutStreamSalt = 0x64726f70;

/** Options of {@link createEmbeddingDropout}. */
export interface EmbeddingDropoutOptions {
  /** Dropout probability p in [0, 1) (ModelConfig.embdDropout); 0 turns dropout off. */
  readonly rate: number;
  /** The model's init seed (CreateModelOptions.seed); seeds masks of forwards that bring none. */
  readonly seed: number;
}

/**
 * Build the embedding dropout of one model.
 *
 * @returns `apply(x, forwardOptions)`: x (B·T, d) unchanged when not training or p = 0, else x with
 *   dropout applied; caller owns the returned tensor (call it inside the forward's tidy).
 */
export function createEmbeddingDropout(options: EmbeddingDropoutOptions): {
  apply(x: tf.Tensor2D, forwardOptions: ForwardOptions): tf.Tensor2D;
} {
  const fallbackSeeds = createRandom((options.seed ^ dropoutStreamSalt) >>> 0);
  return {
    apply: (x, forwardOptions) => {
      if (!forwardOptions.training || options.rate <= 0) return x;
      const seed = forwardOptions.dropoutSeed ?? fallbackSeeds.nextSeed();
      return tf.dropout(x, options.rate, undefined, seed) as tf.Tensor2D; // (B·T, d)
    },
  };
}
