/**
 * The first step of BPE training (train-bpe.ts): counting GPT-2 pre-tokens over documents streamed
 * one at a time, with an optional bound on distinct pre-tokens so memory stays bounded.
 */
import { checkInteger } from '@normfree/core';
import { gpt2SplitPattern } from './gpt2-pretokenizer.js';

/** Options of {@link createPretokenCounter}. */
export interface PretokenCounterOptions {
  /**
   * Bound on distinct pre-tokens held (default: unbounded). When an `add` takes the count above it,
   * the rarest are pruned (see {@link createPretokenCounter}). Each entry costs roughly 100 bytes plus
   * its text, so 10 M entries is about 1–2 GB.
   */
  maxDistinct?: number;
}

/** Counts GPT-2 pre-tokens over documents added one at a time. */
export interface PretokenCounter {
  /** Pre-tokenizes one whole document (GPT-2 regex) and counts its pre-tokens. */
  add(document: string): void;
  /** The counts so far (live: later `add`s change it; pass it to {@link trainBpeFromCounts}). */
  counts(): ReadonlyMap<string, number>;
  /** Documents added. */
  readonly documents: number;
  /** Distinct pre-tokens held now. */
  readonly distinct: number;
  /** Times the counts were pruned (0 when maxDistinct was never exceeded: the counts are exact). */
  readonly prunes: number;
  /** The largest count threshold a prune used (entries with count ≤ it were dropped); 0 if none. */
  readonly pruneThreshold: number;
}

/**
 * Creates a pre-token counter: the first step of BPE training, separable so documents can be
 * streamed through it and memory bounded.
 *
 * Pruning rule (when `maxDistinct` is set): as soon as more than `maxDistinct` distinct pre-tokens
 * are held, every entry with count ≤ t is dropped, with t = 1, 2, 4, … doubled until at most
 * ⌊maxDistinct / 2⌋ remain. Halving leaves room for ⌈maxDistinct / 2⌉ new pre-tokens before the next
 * prune, so pruning costs O(1) amortized per pre-token. Like word2vec's `ReduceVocab` and the
 * frequency cut-offs of SentencePiece and Hugging Face trainers, this keeps frequent pre-tokens,
 * which are the ones BPE merges are learned from; a pre-token that was dropped and seen again
 * restarts from 0, so counts become lower bounds (exact when `prunes` is 0).
 *
 * @param options.maxDistinct - bound on distinct pre-tokens (≥ 2), default unbounded.
 * @throws Error naming a bad maxDistinct.
 */
export function createPretokenCounter(options: PretokenCounterOptions = {}): PretokenCounter {
  const maxDistinct = options.maxDistinct ?? Infinity;
  if (maxDistinct !== Infinity) checkInteger('createPretokenCounter: maxDistinct', maxDistinct, { min: 2 });
  const counts = new Map<string, number>();
  const splitter = new RegExp(gpt2SplitPattern);
  let documents = 0;
  let prunes = 0;
  let pruneThreshold = 0;
  const prune = (): void => {
    const target = Math.floor(maxDistinct / 2);
    for (let threshold = 1; counts.size > target; threshold *= 2) {
      for (const [word, count] of counts) if (count <= threshold) counts.delete(word);
      pruneThreshold = Math.max(pruneThreshold, threshold);
    }
    prunes++;
  };
  return {
    add(document) {
      splitter.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = splitter.exec(document)) !== null) {
        counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
      }
      documents++;
      // Pruned per document, not per pre-token: a document's pre-tokens are counted together.
      if (counts.size > maxDistinct) prune();
    },
    counts: () => counts,
    get documents() {
      return documents;
    },
    get distinct() {
      return counts.size;
    },
    get prunes() {
      return prunes;
    },
    get pruneThreshold() {
      return pruneThreshold;
    },
  };
}
