/**
 * Per-micro-batch dropout seeds derived from (run seed, micro-step), so that a run resumed from a
 * checkpoint draws exactly the dropout masks an uninterrupted run would (no RNG state to save).
 */
import { checkInteger } from '@normfree/core';

/**
 * A 32-bit dropout seed for micro-batch `microStep` (0-based over the whole run: step·K + k for K
 * micro-batches per optimizer step) of a run seeded with `seed`.
 *
 * @remarks A murmur3-style finaliser over (seed, microStep): neighbouring steps get unrelated seeds.
 * @example `dropoutSeed(1337, 0) !== dropoutSeed(1337, 1)`; the same inputs always give the same seed.
 */
export function dropoutSeed(seed: number, microStep: number): number {
  checkInteger('dropoutSeed: microStep', microStep, { min: 0 });
  let hash = (seed >>> 0) ^ Math.imul((microStep + 1) >>> 0, 0x9e3779b1);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
