/**
 * Trains a byte-level BPE vocabulary on whole documents (GPT-2 pre-tokenizer, 256-byte initial
 * alphabet, merges until the vocabulary is full, special tokens at the end).
 *
 * References:
 * 1. Sennrich et al. 2016, "Neural Machine Translation of Rare Words with Subword Units" (BPE).
 * 2. docs/toolchain.md §7: the algorithm below, measured to give the same 3840 merges as Hugging
 *    Face `train_from_iterator(vocab_size=4096, initial_alphabet=ByteLevel.alphabet())` (order may
 *    differ among tied counts), 2.7 s for 9 MB at vocab 4096.
 */
import { byteLevelOrder, bytesToByteLevel } from './byte-level-alphabet.js';
import { createBpeTokenizer, type BpeTokenizer } from './bpe-tokenizer.js';
import { gpt2SplitPattern } from './gpt2-pretokenizer.js';

/** Options of {@link trainBpe}. */
export interface TrainBpeOptions {
  /** Training documents, each pre-tokenized whole (files are never split at lines). */
  documents: Iterable<string>;
  /** Final vocabulary size including the 256 byte tokens and the special tokens (≤ 65536). */
  vocabSize: number;
  /** Special tokens, given the last ids in order, e.g. `['<|endoftext|>']`. */
  specialTokens?: readonly string[];
}

/** Pair keys `a·65536 + b` need ids below 65536. */
const PAIR_BASE = 65536;

/**
 * Trains a byte-level BPE tokenizer.
 *
 * Ids 0–255 are the bytes in GPT-2's alphabet order ({@link byteLevelOrder}, as in GPT-2's
 * `encoder.json` and Hugging Face), merge `i` creates id `256 + i` (unless an earlier merge already spelled the same bytes, when the id is reused, as in Hugging Face), and special tokens follow. Each
 * step merges the most frequent adjacent pair (ties: the smaller pair of ids), counting pairs inside
 * pre-tokens weighted by how often the pre-token occurs. Training stops early if no pair is left, so
 * the result may be smaller than `vocabSize` on a tiny corpus.
 *
 * @param options - documents, vocabSize, specialTokens.
 * @returns the trained tokenizer; `toTokenizerJson()` saves it.
 * @throws Error naming `vocabSize` if it is not an integer in [256 + specials, 65536].
 */
export function trainBpe(options: TrainBpeOptions): BpeTokenizer {
  const specials = options.specialTokens ?? [];
  const { vocabSize } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specials.length || vocabSize > PAIR_BASE) {
    throw new Error(
      `trainBpe: vocabSize ${String(vocabSize)} must be an integer in [${256 + specials.length}, ${PAIR_BASE}] ` +
        `(256 bytes + ${specials.length} special tokens)`,
    );
  }
  if (new Set(specials).size !== specials.length) {
    throw new Error(`trainBpe: specialTokens ${JSON.stringify(specials)} contains duplicates`);
  }

  // 1. Pre-token frequencies over whole documents.
  const wordCounts = new Map<string, number>();
  const splitter = new RegExp(gpt2SplitPattern);
  for (const document of options.documents) {
    splitter.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = splitter.exec(document)) !== null) {
      wordCounts.set(match[0], (wordCounts.get(match[0]) ?? 0) + 1);
    }
  }

  // 2. Each distinct pre-token as byte ids (id of byte b = its index in GPT-2's alphabet order).
  const byteId = new Array<number>(256);
  byteLevelOrder.forEach((byte, id) => (byteId[byte] = id));
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const frequencies: number[] = [];
  for (const [word, count] of wordCounts) {
    words.push(Array.from(encoder.encode(word), (byte) => byteId[byte]!));
    frequencies.push(count);
  }

  // 3. Pair counts weighted by frequency, and which words contain each pair.
  const pairCounts = new Map<number, number>();
  const wordsWithPair = new Map<number, Set<number>>();
  const addPair = (key: number, wordIndex: number, count: number): void => {
    pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
    let holders = wordsWithPair.get(key);
    if (holders === undefined) wordsWithPair.set(key, (holders = new Set()));
    holders.add(wordIndex);
  };
  words.forEach((word, wordIndex) => {
    for (let i = 0; i < word.length - 1; i++) addPair(word[i]! * PAIR_BASE + word[i + 1]!, wordIndex, frequencies[wordIndex]!);
  });

  // 4. Merge the most frequent pair until the vocabulary is full, updating counts incrementally.
  const tokens: string[] = byteLevelOrder.map((byte) => bytesToByteLevel([byte]));
  const tokenIds = new Map(tokens.map((token, id) => [token, id] as const));
  const mergedPairs: [number, number][] = [];
  const mergeTarget = vocabSize - specials.length;
  while (tokens.length < mergeTarget) {
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
    // Two merge paths can spell the same bytes ("a"+"bc", "ab"+"c"): reuse the id, as HF does.
    const mergedToken = tokens[left]! + tokens[right]!;
    let mergedId = tokenIds.get(mergedToken);
    if (mergedId === undefined) {
      mergedId = tokens.length;
      tokens.push(mergedToken);
      tokenIds.set(mergedToken, mergedId);
    }
    mergedPairs.push([left, right]);

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
      for (let i = 0; i < merged.length - 1; i++) addPair(merged[i]! * PAIR_BASE + merged[i + 1]!, wordIndex, frequency);
    }
    pairCounts.delete(best);
    wordsWithPair.delete(best);
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
