/**
 * Trains a byte-level BPE vocabulary on whole documents (GPT-2 pre-tokenizer, 256-byte initial
 * alphabet, merges until the vocabulary is full, special tokens at the end).
 *
 * References:
 * 1. Sennrich et al. 2016, "Neural Machine Translation of Rare Words with Subword Units" (BPE).
 * 2. docs/toolchain.md §7: the algorithm below, measured to give the same 3840 merges as Hugging
 *    Face `train_from_iterator(vocab_size=4096, initial_alphabet=ByteLevel.alphabet())` (order may
 *    differ among tied counts), 2.7 s for 9 MB at vocab 4096.
 * 3. Hugging Face tokenizers, `tokenizers/src/models/bpe/trainer.rs`: the merge loop takes the best
 *    pair from a `BinaryHeap` and re-checks its count when popped (lazy deletion), as
 *    {@link createPairHeap} does here; README "Training a tokenizer at scale" has the timings.
 */
import { checkInteger, definedFields } from '@normfree/core';
import { byteLevelOrder, bytesToByteLevel } from './byte-level-alphabet.js';
import { createBpeTokenizer, type BpeTokenizer } from './bpe-tokenizer.js';
import { createPairHeap } from './pair-heap.js';
import { createPretokenCounter, type PretokenCounter } from './pretoken-counter.js';

export { createPretokenCounter, type PretokenCounter, type PretokenCounterOptions } from './pretoken-counter.js';

/** Options of {@link trainBpe}. */
export interface TrainBpeOptions {
  /** Training documents, each pre-tokenized whole (files are never split at lines). */
  documents: Iterable<string>;
  /** Final vocabulary size including the 256 byte tokens and the special tokens (≤ 65536). */
  vocabSize: number;
  /** Special tokens, given the last ids in order, e.g. `['<|endoftext|>']`. */
  specialTokens?: readonly string[];
}

/** Options of {@link trainBpeFromCounts}. */
export interface TrainBpeFromCountsOptions {
  /** Pre-token → occurrences, e.g. a {@link PretokenCounter}'s `counts()`. Order does not matter. */
  counts: Iterable<readonly [string, number]>;
  /** As in {@link TrainBpeOptions}. */
  vocabSize: number;
  /** As in {@link TrainBpeOptions}. */
  specialTokens?: readonly string[];
}

/** Options of {@link trainBpeStreaming}. */
export interface TrainBpeStreamingOptions {
  /** Training documents, streamed (each pre-tokenized whole). */
  documents: AsyncIterable<string> | Iterable<string>;
  /** As in {@link TrainBpeOptions}. */
  vocabSize: number;
  /** As in {@link TrainBpeOptions}. */
  specialTokens?: readonly string[];
  /** Bound on distinct pre-tokens held while counting (see {@link PretokenCounterOptions}). */
  maxDistinct?: number;
  /**
   * Stop reading documents once this many UTF-8 bytes were counted (the document that crosses it is
   * counted whole): a BPE vocabulary is trained on a sample, as with SentencePiece's
   * `input_sentence_size`. Default: read everything.
   */
  maxBytes?: number;
  /** Called after each document with what was read so far. */
  onProgress?: (progress: { documents: number; bytes: number; distinct: number }) => void;
}

/** What {@link trainBpeStreaming} read and trained. */
export interface TrainBpeStreamingResult {
  readonly tokenizer: BpeTokenizer;
  /** Documents counted. */
  readonly documents: number;
  /** UTF-8 bytes of those documents. */
  readonly bytes: number;
  /** True when `maxBytes` stopped reading before the input ended. */
  readonly truncated: boolean;
  /** Distinct pre-tokens trained on. */
  readonly distinct: number;
  /** Times the counts were pruned (0: exact counts). */
  readonly prunes: number;
  /** The largest count threshold a prune used (0 if none). */
  readonly pruneThreshold: number;
}

/** Pair keys `a·65536 + b` need ids below 65536. */
const PAIR_BASE = 65536;

/** Checks vocabSize and the special tokens; `caller` names the function in the message. */
function checkTrainOptions(caller: string, vocabSize: number, specials: readonly string[]): void {
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specials.length || vocabSize > PAIR_BASE) {
    throw new Error(
      `${caller}: vocabSize ${String(vocabSize)} must be an integer in [${256 + specials.length}, ${PAIR_BASE}] ` +
        `(256 bytes + ${specials.length} special tokens)`,
    );
  }
  if (new Set(specials).size !== specials.length) {
    throw new Error(`${caller}: specialTokens ${JSON.stringify(specials)} contains duplicates`);
  }
}

/**
 * Trains a byte-level BPE tokenizer.
 *
 * Ids 0–255 are the bytes in GPT-2's alphabet order ({@link byteLevelOrder}, as in GPT-2's
 * `encoder.json` and Hugging Face), merge `i` creates id `256 + i` (unless an earlier merge already spelled the same bytes, when the id is reused, as in Hugging Face), and special tokens follow. Each
 * step merges the most frequent adjacent pair (ties: the smaller pair of ids), counting pairs inside
 * pre-tokens weighted by how often the pre-token occurs. Training stops early if no pair is left, so
 * the result may be smaller than `vocabSize` on a tiny corpus.
 *
 * Equivalent to counting with {@link createPretokenCounter} (unbounded) and calling
 * {@link trainBpeFromCounts}; for corpora that do not fit in memory, see {@link trainBpeStreaming}.
 *
 * @param options - documents, vocabSize, specialTokens.
 * @returns the trained tokenizer; `toTokenizerJson()` saves it.
 * @throws Error naming `vocabSize` if it is not an integer in [256 + specials, 65536].
 */
export function trainBpe(options: TrainBpeOptions): BpeTokenizer {
  const specials = options.specialTokens ?? [];
  checkTrainOptions('trainBpe', options.vocabSize, specials);
  const counter = createPretokenCounter();
  for (const document of options.documents) counter.add(document);
  return mergeFromCounts(counter.counts(), options.vocabSize, specials);
}

/**
 * Trains a byte-level BPE tokenizer from pre-token counts (steps 2–5 of {@link trainBpe}). The
 * result does not depend on the order of `counts`.
 *
 * @param options - counts, vocabSize, specialTokens.
 * @returns the trained tokenizer.
 * @throws Error naming `vocabSize` if it is not an integer in [256 + specials, 65536], or a count
 *   that is not a positive integer.
 */
export function trainBpeFromCounts(options: TrainBpeFromCountsOptions): BpeTokenizer {
  const specials = options.specialTokens ?? [];
  checkTrainOptions('trainBpeFromCounts', options.vocabSize, specials);
  return mergeFromCounts(options.counts, options.vocabSize, specials);
}

/**
 * Trains a byte-level BPE tokenizer on streamed documents in bounded memory: documents go through
 * a {@link createPretokenCounter} (pruned at `maxDistinct`), reading stops after `maxBytes`, then
 * {@link trainBpeFromCounts}. With neither bound, the result equals {@link trainBpe}'s.
 *
 * @param options - documents, vocabSize, specialTokens, maxDistinct, maxBytes, onProgress.
 * @returns the tokenizer and what was read.
 * @throws Error naming a bad vocabSize (before reading anything), maxDistinct or maxBytes.
 */
export async function trainBpeStreaming(options: TrainBpeStreamingOptions): Promise<TrainBpeStreamingResult> {
  const specials = options.specialTokens ?? [];
  checkTrainOptions('trainBpeStreaming', options.vocabSize, specials);
  const maxBytes = options.maxBytes ?? Infinity;
  if (maxBytes !== Infinity) checkInteger('trainBpeStreaming: maxBytes', maxBytes, { min: 1 });
  const counter = createPretokenCounter(definedFields({ maxDistinct: options.maxDistinct }));
  let bytes = 0;
  let truncated = false;
  for await (const document of options.documents) {
    if (bytes >= maxBytes) {
      truncated = true;
      break; // also closes the source (its return() is called)
    }
    counter.add(document);
    bytes += utf8Length(document);
    options.onProgress?.({ documents: counter.documents, bytes, distinct: counter.distinct });
  }
  return {
    tokenizer: mergeFromCounts(counter.counts(), options.vocabSize, specials),
    documents: counter.documents,
    bytes,
    truncated,
    distinct: counter.distinct,
    prunes: counter.prunes,
    pruneThreshold: counter.pruneThreshold,
  };
}

/** UTF-8 length of a string without encoding it (lone surrogates count 3, as U+FFFD). */
function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) length += 1;
    else if (code < 0x800) length += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

/** Steps 2–5 of BPE training, from pre-token counts (options already checked). */
function mergeFromCounts(
  wordCounts: Iterable<readonly [string, number]>,
  vocabSize: number,
  specials: readonly string[],
): BpeTokenizer {
  // 2. Each distinct pre-token as byte ids (id of byte b = its index in GPT-2's alphabet order).
  const byteId = new Array<number>(256);
  byteLevelOrder.forEach((byte, id) => (byteId[byte] = id));
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const frequencies: number[] = [];
  for (const [word, count] of wordCounts) {
    if (!Number.isSafeInteger(count) || count <= 0) {
      throw new Error(
        `trainBpeFromCounts: count ${String(count)} of pre-token ${JSON.stringify(word)} must be a positive integer`,
      );
    }
    words.push(Array.from(encoder.encode(word), (byte) => byteId[byte]!));
    frequencies.push(count);
  }

  // 3. Pair counts weighted by frequency (only pairs still present: count > 0), and which words
  // contain each pair. The word lists are plain arrays, ~8 bytes a word instead of a Set's ~30: a
  // list may hold a word twice or a word that no longer has the pair (both are skipped at merge
  // time, as a word without the pair has nothing to rewrite); a pair's list is dropped with the pair.
  const pairCounts = new Map<number, number>();
  const wordsWithPair = new Map<number, number[]>();
  const addPair = (key: number, wordIndex: number, count: number): void => {
    const previous = pairCounts.get(key);
    pairCounts.set(key, (previous ?? 0) + count);
    const holders = wordsWithPair.get(key);
    if (holders === undefined) wordsWithPair.set(key, [wordIndex]);
    // One word is rewritten at a time, so its repeats of a pair are adjacent in the list.
    else if (holders[holders.length - 1] !== wordIndex) holders.push(wordIndex);
  };
  const removePair = (key: number, count: number): void => {
    const remaining = pairCounts.get(key)! - count;
    if (remaining > 0) pairCounts.set(key, remaining);
    else {
      pairCounts.delete(key);
      wordsWithPair.delete(key); // counts are exact, so no word has the pair any more
    }
  };
  words.forEach((word, wordIndex) => {
    for (let i = 0; i < word.length - 1; i++)
      addPair(word[i]! * PAIR_BASE + word[i + 1]!, wordIndex, frequencies[wordIndex]!);
  });

  // 4. Merge the most frequent pair until the vocabulary is full, updating counts incrementally.
  // The best pair comes from a max-heap (count, then smaller key) with lazy deletion: counts of
  // existing pairs only go down except when a merge adds to them, and every pair a merge adds to is
  // re-pushed with its new count, so each live pair always has an entry ≥ its count. The top entry
  // is therefore the best pair when its count is the live one; otherwise it is stale and is dropped
  // (pair gone) or re-pushed with the live count. Each merge costs O(log #pairs) per heap entry
  // touched plus the words that contain the pair, instead of a scan over all pairs.
  const heap = createPairHeap(pairCounts);
  const increased = new Set<number>();
  const mergedPositions: number[] = [];
  const tokens: string[] = byteLevelOrder.map((byte) => bytesToByteLevel([byte]));
  const tokenIds = new Map(tokens.map((token, id) => [token, id] as const));
  const mergedPairs: [number, number][] = [];
  const mergeTarget = vocabSize - specials.length;
  while (tokens.length < mergeTarget) {
    let best = -1;
    while (heap.size > 0) {
      const key = heap.topKey;
      const count = pairCounts.get(key);
      if (count === heap.topCount) {
        best = key;
        break;
      }
      heap.pop();
      if (count !== undefined) heap.push(count, key);
    }
    if (best < 0) break; // no pair left
    const left = Math.floor(best / PAIR_BASE);
    const right = best % PAIR_BASE;
    // Two merge paths can spell the same bytes ("a"+"bc", "ab"+"c"): reuse the id, as HF does.
    const mergedToken = tokens[left]! + tokens[right]!;
    let mergedId = tokenIds.get(mergedToken);
    if (mergedId === undefined) {
      mergedId = tokens.length;
      tokens.push(mergedToken);
      tokenIds.set(mergedToken, mergedId);
    }
    mergedPairs.push([left, right]);

    // Only pairs that touch a merged occurrence change: each occurrence at old positions (i, i+1)
    // removes old pairs at positions i-1, i, i+1 and adds the new token's pairs with its neighbours.
    // Summed over the word this equals subtracting all its old pairs and adding all its new ones.
    for (const wordIndex of wordsWithPair.get(best) ?? []) {
      const word = words[wordIndex]!;
      const frequency = frequencies[wordIndex]!;
      const length = word.length;
      // Rewrite in place, left to right (write index ≤ read index, so unread ids are intact; the
      // old id at i-1 is still there because either an earlier merge shifted writes left of it or
      // nothing has changed yet).
      mergedPositions.length = 0;
      let removedThrough = -1; // old pair positions ≤ this were already subtracted
      let write = 0;
      for (let read = 0; read < length; read++) {
        if (read < length - 1 && word[read] === left && word[read + 1] === right) {
          for (
            let position = Math.max(read - 1, removedThrough + 1);
            position <= read + 1 && position < length - 1;
            position++
          ) {
            removePair(word[position]! * PAIR_BASE + word[position + 1]!, frequency);
          }
          removedThrough = read + 1;
          mergedPositions.push(write);
          word[write++] = mergedId;
          read++;
        } else {
          word[write++] = word[read]!;
        }
      }
      if (mergedPositions.length === 0) continue; // a stale or repeated list entry
      word.length = write;
      let addedThrough = -1; // new pair positions ≤ this were already added
      for (const position of mergedPositions) {
        for (let pair = Math.max(position - 1, addedThrough + 1); pair <= position && pair < write - 1; pair++) {
          const key = word[pair]! * PAIR_BASE + word[pair + 1]!;
          addPair(key, wordIndex, frequency);
          increased.add(key);
        }
        addedThrough = position;
      }
    }
    pairCounts.delete(best);
    wordsWithPair.delete(best);
    for (const key of increased) {
      const count = pairCounts.get(key);
      if (count !== undefined) heap.push(count, key);
    }
    increased.clear();
  }

  // 5. Vocabulary as byte-level strings; special tokens take the last ids.
  const vocab: Record<string, number> = {};
  tokens.forEach((token, id) => (vocab[token] = id));
  const specialTokens: Record<string, number> = {};
  specials.forEach((text, index) => {
    specialTokens[text] = tokens.length + index;
    vocab[text] = tokens.length + index;
  });
  return createBpeTokenizer({
    vocab,
    merges: mergedPairs.map(([left, right]) => [tokens[left]!, tokens[right]!] as const),
    specialTokens,
    source: 'trainBpe',
  });
}
