import { selectBackend } from '@normfree/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingDropout } from './embedding-dropout.js';

beforeAll(async () => {
  await selectBackend({ prefer: 'cpu', strict: true, quiet: true });
});
afterEach(() => {
  tf.disposeVariables();
});

/** The dropout masks of `calls` training forwards over a (64, 8) tensor of ones, as 0/1 arrays. */
function masks(dropout: ReturnType<typeof createEmbeddingDropout>, forwards: { dropoutSeed?: number }[]): number[][] {
  return forwards.map((forward) =>
    tf.tidy(() => {
      const out = dropout.apply(tf.ones([64, 8]) as tf.Tensor2D, { training: true, ...forward }); // (64, 8)
      return Array.from(tf.notEqual(out, 0).dataSync());
    }),
  );
}

describe('createEmbeddingDropout', () => {
  it('draws the same masks for the same model seed when forwards bring no dropoutSeed', () => {
    const first = masks(createEmbeddingDropout({ rate: 0.5, seed: 1337 }), [{}, {}]);
    const second = masks(createEmbeddingDropout({ rate: 0.5, seed: 1337 }), [{}, {}]);
    expect(second).toEqual(first);
    expect(first[1]).not.toEqual(first[0]); // successive forwards get fresh masks, as before
    const otherSeed = masks(createEmbeddingDropout({ rate: 0.5, seed: 1338 }), [{}]);
    expect(otherSeed[0]).not.toEqual(first[0]);
  });

  it('uses the forward’s dropoutSeed when given, whatever the model seed', () => {
    const [fromModelA] = masks(createEmbeddingDropout({ rate: 0.5, seed: 1 }), [{ dropoutSeed: 42 }]);
    const [fromModelB] = masks(createEmbeddingDropout({ rate: 0.5, seed: 2 }), [{ dropoutSeed: 42 }]);
    expect(fromModelB).toEqual(fromModelA);
  });

  it('returns its input unchanged in evaluation or at rate 0, and scales kept values by 1/(1 − p)', () => {
    const x = tf.ones([4, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    expect(createEmbeddingDropout({ rate: 0.5, seed: 0 }).apply(x, { training: false })).toBe(x);
    expect(createEmbeddingDropout({ rate: 0, seed: 0 }).apply(x, { training: true })).toBe(x);
    const dropped = createEmbeddingDropout({ rate: 0.5, seed: 0 }).apply(x, { training: true, dropoutSeed: 3 });
    for (const value of dropped.dataSync()) expect([0, 2]).toContain(value); // exact: 1 / (1 − 0.5) = 2
    dropped.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
