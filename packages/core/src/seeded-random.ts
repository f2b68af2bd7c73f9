/**
 * A small seeded PRNG (mulberry32; toolchain.md §10.3: faster than seedrandom, no dependency).
 * Used for data shuffling and anything else that must repeat exactly for a seed.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** A fresh 32-bit seed, e.g. for a TF.js initializer or dropout. */
  nextSeed(): number;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt: (n) => Math.floor(next() * n),
    nextSeed: () => Math.floor(next() * 4294967296) >>> 0,
  };
}

/** Fisher–Yates shuffle in place, deterministic for a seed. Returns the array. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const swap = items[i]!;
    items[i] = items[j]!;
    items[j] = swap;
  }
  return items;
}
