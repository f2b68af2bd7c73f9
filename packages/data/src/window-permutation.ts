/**
 * A seeded permutation of [0, count) computed one element at a time, in O(1) memory: the epoch order
 * of a token store's windows. A Fisher–Yates order of 16 M windows would cost 64 MB per epoch; this
 * costs a few numbers, and `at(i)` is a pure function of (count, seed, i), so any step of any epoch
 * can be answered without the steps before it.
 *
 * How: a 4-round Feistel network is a bijection on the k-bit integers [0, 2^k) for any round
 * function; k = ⌈log2 count⌉, so 2^k < 2·count. Values ≥ count are walked forward through the
 * bijection until they land inside [0, count) ("cycle walking"), which keeps it a bijection on
 * [0, count) and takes fewer than 2 rounds of the network on average.
 *
 * References:
 * 1. Luby & Rackoff 1988, "How to construct pseudorandom permutations from pseudorandom functions"
 *    (4 Feistel rounds).
 * 2. Black & Rogaway 2002, "Ciphers with arbitrary finite domains" (cycle walking).
 */

/** The largest count supported: the network's halves are at most 16 bits. */
export const maxPermutationCount = 2 ** 32;

/** A seeded bijection on [0, count). */
export interface WindowPermutation {
  readonly count: number;
  readonly seed: number;
  /**
   * The element at position `index` of the permuted order.
   *
   * @throws Error naming `index` and `count` if it is not an integer in [0, count).
   */
  at(index: number): number;
}

const ROUNDS = 4;

/** murmur3's 32-bit finalizer: a cheap, well-mixing hash. */
function mix32(value: number): number {
  let hash = value >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * A 32-bit seed for (seed, epoch): murmur3's finalizer over the mixed pair. Shared by every sampler,
 * so the embedded-corpus sampler and the token-store samplers derive epochs the same way.
 *
 * @param seed - the run's shuffle seed (any integer; used modulo 2^32).
 * @param epoch - the 0-based epoch.
 */
export function epochSeed(seed: number, epoch: number): number {
  const hash = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  return mix32(hash);
}

/**
 * Creates a seeded permutation of [0, count) in O(1) memory.
 *
 * @param count - the number of elements, an integer in [0, 2^32].
 * @param seed - any integer (used modulo 2^32); the same (count, seed) always gives the same order.
 * @returns the permutation; `at(i)` costs a handful of integer operations.
 * @throws Error naming `count` or `seed` if either is not a usable integer.
 * @example
 * ```ts
 * const order = createWindowPermutation(10, 42);
 * Array.from({ length: 10 }, (_, i) => order.at(i)); // the numbers 0…9 once each, shuffled
 * ```
 */
export function createWindowPermutation(count: number, seed: number): WindowPermutation {
  if (!Number.isSafeInteger(count) || count < 0 || count > maxPermutationCount) {
    throw new Error(`createWindowPermutation: count ${String(count)} must be an integer in [0, 2^32]`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`createWindowPermutation: seed ${String(seed)} must be an integer`);
  }
  let bits = 0;
  while (2 ** bits < count) bits++;
  // An unbalanced Feistel network: the value is (high: `highBits`, low: `lowBits`); a round maps it
  // to (low, high XOR F(low)), so the halves swap sizes every round. Each round is a bijection on
  // [0, 2^bits), whatever F is, because (low, F(low)) can be recomputed from the output.
  const highBitsFirst = Math.ceil(bits / 2);
  const lowBitsFirst = bits - highBitsFirst;
  const roundKeys = Array.from({ length: ROUNDS }, (_, round) =>
    mix32(Math.imul(seed >>> 0, 0x27d4eb2f) + mix32(round + 0x165667b1)),
  );

  const network = (value: number): number => {
    let highBits = highBitsFirst;
    let lowBits = lowBitsFirst;
    for (let round = 0; round < ROUNDS; round++) {
      // Arithmetic, not shifts: values reach 2^32, past the sign bit of JS's 32-bit operators.
      const lowSize = 2 ** lowBits;
      const high = Math.floor(value / lowSize);
      const low = value % lowSize;
      const highSize = 2 ** highBits;
      const mixed = (high ^ (mix32(low ^ roundKeys[round]!) % highSize)) >>> 0;
      value = low * highSize + mixed;
      [highBits, lowBits] = [lowBits, highBits];
    }
    return value;
  };

  return {
    count,
    seed,
    at(index: number): number {
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`WindowPermutation.at: index ${String(index)} must be an integer in [0, ${count})`);
      }
      let value = network(index);
      // Cycle walking: the bijection on [0, 2^bits) restricted to [0, count) by following each
      // value's cycle until it comes back inside; 2^bits < 2·count keeps the walk short.
      while (value >= count) value = network(value);
      return value;
    },
  };
}
