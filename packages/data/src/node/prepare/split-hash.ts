/**
 * The streaming train/validation rule: a document's side depends only on (seed, source index, row),
 * never on what was read before it, so the split is the same for any worker count, any batch size
 * and across a resume.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * MurmurHash3 (x86, 32-bit) of the words (source, row low 32 bits, row high bits), seeded by `seed`.
 *
 * @returns an unsigned 32-bit integer.
 */
export function documentHash(seed: number, source: number, row: number): number {
  let h = seed | 0;
  h = mixWord(h, source | 0);
  h = mixWord(h, row >>> 0);
  h = mixWord(h, Math.floor(row / 4294967296) | 0);
  h ^= 12; // the input length in bytes, as murmur3 finalizes
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Whether a document of the main inputs goes to validation under the fraction rule:
 * `documentHash(seed, source, row) / 2^32 < validationFraction`.
 *
 * @param seed - the split seed.
 * @param source - index of the file among the resolved inputs.
 * @param row - index of the document in its file.
 * @param validationFraction - in [0, 1).
 */
export function isValidationDocument(seed: number, source: number, row: number, validationFraction: number): boolean {
  return documentHash(seed, source, row) / 4294967296 < validationFraction;
}
