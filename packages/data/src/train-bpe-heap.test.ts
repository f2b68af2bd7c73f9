// The merge selection of trainBpeFromCounts (a lazy max-heap) against the straightforward linear scan
// it replaced, kept here as the reference: the same merges, in the same order, on small random
// corpora with many tied counts.
import { createRandom, type Random } from '@normfree/core';
import { describe, expect, it } from 'vitest';
import { byteLevelOrder, bytesToByteLevel } from './byte-level-alphabet.js';
import { trainBpeFromCounts } from './train-bpe.js';

interface ReferenceResult {
  merges: (readonly [string, string])[];
  vocab: Record<string, number>;
  /** The count of each merge when it was taken (to check the corpora really tie). */
  mergeCounts: number[];
}

/**
 * The pre-heap training loop (train-bpe.ts before the heap), unchanged except that it returns plain
 * data: each merge scans every pair for the largest count, ties to the smaller key a·65536 + b.
 */
function referenceMerges(wordCounts: ReadonlyMap<string, number>, vocabSize: number): ReferenceResult {
  const PAIR_BASE = 65536;
  const byteId = new Array<number>(256);
  byteLevelOrder.forEach((byte, id) => (byteId[byte] = id));
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const frequencies: number[] = [];
  for (const [word, count] of wordCounts) {
    words.push(Array.from(encoder.encode(word), (byte) => byteId[byte]!));
    frequencies.push(count);
  }
  const pairCounts = new Map<number, number>();
  const wordsWithPair = new Map<number, Set<number>>();
  const addPair = (key: number, wordIndex: number, count: number): void => {
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
    let holders = wordsWithPair.get(key);
    if (holders === undefined) wordsWithPair.set(key, (holders = new Set()));
    holders.add(wordIndex);
  };
  words.forEach((word, wordIndex) => {
    for (let i = 0; i < word.length - 1; i++)
      addPair(word[i]! * PAIR_BASE + word[i + 1]!, wordIndex, frequencies[wordIndex]!);
  });
  const tokens: string[] = byteLevelOrder.map((byte) => bytesToByteLevel([byte]));
  const tokenIds = new Map(tokens.map((token, id) => [token, id] as const));
  const mergedPairs: [number, number][] = [];
  const mergeCounts: number[] = [];
  while (tokens.length < vocabSize) {
    let best = -1;
    let bestCount = 0;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && key < best)) {
        bestCount = count;
        best = key;
      }
    }
    if (bestCount <= 0) break;
    const left = Math.floor(best / PAIR_BASE);
    const right = best % PAIR_BASE;
    const mergedToken = tokens[left]! + tokens[right]!;
    let mergedId = tokenIds.get(mergedToken);
    if (mergedId === undefined) {
      mergedId = tokens.length;
      tokens.push(mergedToken);
      tokenIds.set(mergedToken, mergedId);
    }
    mergedPairs.push([left, right]);
    mergeCounts.push(bestCount);
    for (const wordIndex of wordsWithPair.get(best) ?? []) {
      const word = words[wordIndex]!;
      const frequency = frequencies[wordIndex]!;
      for (let i = 0; i < word.length - 1; i++) {
        const key = word[i]! * PAIR_BASE + word[i + 1]!;
        const remaining = pairCounts.get(key)! - frequency;
        if (remaining > 0) pairCounts.set(key, remaining);
        else pairCounts.delete(key);
      }
      const merged: number[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === left && word[i + 1] === right) {
          merged.push(mergedId);
          i++;
        } else {
          merged.push(word[i]!);
        }
      }
      words[wordIndex] = merged;
      for (let i = 0; i < merged.length - 1; i++)
        addPair(merged[i]! * PAIR_BASE + merged[i + 1]!, wordIndex, frequency);
    }
    pairCounts.delete(best);
    wordsWithPair.delete(best);
  }
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => (vocab[token] = id));
  return { merges: mergedPairs.map(([left, right]) => [tokens[left]!, tokens[right]!] as const), vocab, mergeCounts };
}

/** `wordCount` random words over `alphabet` (1 to maxLength characters), each counted 1 to maxCount times. */
function randomCounts(
  random: Random,
  options: { alphabet: string; wordCount: number; maxLength: number; maxCount: number },
): Map<string, number> {
  const characters = [...options.alphabet];
  const counts = new Map<string, number>();
  for (let index = 0; index < options.wordCount; index++) {
    let word = '';
    const length = 1 + random.nextInt(options.maxLength);
    for (let position = 0; position < length; position++) word += characters[random.nextInt(characters.length)];
    counts.set(word, (counts.get(word) ?? 0) + 1 + random.nextInt(options.maxCount));
  }
  return counts;
}

/** Merges taken at the same count as the merge before: ties the tie-break had to settle (or nearly). */
function tiedMerges(mergeCounts: readonly number[]): number {
  return mergeCounts.filter((count, index) => index > 0 && count === mergeCounts[index - 1]).length;
}

const corpora = [
  { name: 'two letters, counts 1–3', alphabet: 'ab', wordCount: 150, maxLength: 12, maxCount: 3 },
  { name: 'letters and spaces, every count 1', alphabet: 'abc d', wordCount: 120, maxLength: 10, maxCount: 1 },
  { name: 'multi-byte characters, counts 1–2', alphabet: 'aé€😀', wordCount: 80, maxLength: 8, maxCount: 2 },
  {
    name: 'long runs of one letter (overlapping pairs)',
    alphabet: 'aaaaaaab',
    wordCount: 60,
    maxLength: 30,
    maxCount: 4,
  },
  { name: 'wider alphabet, counts 1–5', alphabet: 'abcdefghij_ ', wordCount: 300, maxLength: 9, maxCount: 5 },
] as const;

describe('trainBpeFromCounts merge selection (heap) against the linear-scan reference', () => {
  for (const [corpusIndex, corpus] of corpora.entries()) {
    it(`should take the same merges in the same order: ${corpus.name}`, () => {
      for (let seed = 0; seed < 4; seed++) {
        const counts = randomCounts(createRandom(1000 * corpusIndex + seed), corpus);
        // A vocabulary large enough to run out of pairs, and one that stops midway.
        const full = referenceMerges(counts, 4000);
        expect(full.merges.length, 'the corpus runs out of pairs').toBeLessThan(4000 - 256);
        expect(tiedMerges(full.mergeCounts), 'the corpus has tied counts').toBeGreaterThan(full.merges.length / 4);
        for (const vocabSize of [4000, 256 + Math.ceil(full.merges.length / 2)]) {
          const expected = vocabSize === 4000 ? full : referenceMerges(counts, vocabSize);
          const tokenizer = trainBpeFromCounts({ counts, vocabSize });
          expect(tokenizer.merges, `seed ${seed}, vocabSize ${vocabSize}`).toEqual(expected.merges);
          expect(tokenizer.vocab).toEqual(expected.vocab);
        }
      }
    });
  }

  it('should break a tie between equal counts by the smaller pair of ids', () => {
    // Pairs (a,b), (b,a) and (c,d) each counted 2; ids follow GPT-2's byte order ('a' < 'b' < 'c').
    const tokenizer = trainBpeFromCounts({
      counts: [
        ['cd', 2],
        ['ba', 2],
        ['ab', 2],
      ],
      vocabSize: 259,
    });
    expect(tokenizer.merges).toEqual([
      ['a', 'b'],
      ['b', 'a'],
      ['c', 'd'],
    ]);
  });
});
