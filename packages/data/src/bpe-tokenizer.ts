/**
 * A byte-level BPE tokenizer (GPT-2 scheme): GPT-2 pre-tokenizer, then merges applied by rank inside
 * each pre-token. Built from a vocabulary and merge list, either trained here ({@link trainBpe}) or
 * loaded from a Hugging Face `tokenizer.json` ({@link loadTokenizerJson}).
 *
 * References:
 * 1. OpenAI GPT-2 `encoder.py` (`bpe()`: repeatedly merge the lowest-ranked adjacent pair).
 * 2. Hugging Face tokenizers, `models/bpe/model.rs` (same result; it merges one occurrence at a time
 *    by (rank, position), which yields the same segmentation).
 * 3. docs/toolchain.md §7 (merge ranks + per-word cache ≈ 14 MB/s at vocab 4096).
 */
import { checkInteger } from '@normfree/core';
import type { Tokenizer } from '@normfree/core';
import { byteLevelToBytes, byteToUnicode } from './byte-level-alphabet.js';
import { gpt2SplitPattern } from './gpt2-pretokenizer.js';
import { tokenizerJsonFrom, type TokenizerJson } from './tokenizer-json.js';

/** A byte-level BPE tokenizer: the core `Tokenizer` plus what is needed to save it. */
export interface BpeTokenizer extends Tokenizer {
  /** Token string (byte-level characters, `Ġ` for space) → id, special tokens included. */
  readonly vocab: Readonly<Record<string, number>>;
  /** Merges in rank order, as pairs of token strings (`['Ġ', 't']`). */
  readonly merges: readonly (readonly [string, string])[];
  /** Whether a space is put in front of text that does not start with one (HF `add_prefix_space`). */
  readonly addPrefixSpace: boolean;
  /** The tokenizer as a Hugging Face `tokenizer.json` object (`JSON.stringify` it to save). */
  toTokenizerJson(): TokenizerJson;
}

/** Options of {@link createBpeTokenizer}. */
export interface BpeTokenizerOptions {
  /** Token string → id. Must contain all 256 byte-level characters and every merge result. */
  vocab: Readonly<Record<string, number>>;
  /** Merges in rank order. */
  merges: readonly (readonly [string, string])[];
  /** Special tokens by text → id (e.g. `{ '<|endoftext|>': 4095 }`); they may also be in `vocab`. */
  specialTokens?: Readonly<Record<string, number>>;
  /** HF `add_prefix_space` (default false, as GPT-2 and our own tokenizers). */
  addPrefixSpace?: boolean;
  /** Where the vocabulary came from, for error messages (default `'vocabulary'`). */
  source?: string;
  /**
   * Words kept in the per-word cache before it is emptied (default 1,000,000, about 150 MB on
   * code). A long-lived encoder over a huge corpus (one per prepare worker) may want less.
   */
  wordCacheLimit?: number;
}

/** Ids up to 2^21 fit a pair key `a·2^21 + b` and a packed `rank·2^21 + id` below 2^53. */
const ID_LIMIT = 2 ** 21;
/** The per-word cache is dropped when it holds this many words (bounds memory on huge corpora). */
const WORD_CACHE_LIMIT = 1_000_000;

/**
 * Builds a byte-level BPE tokenizer from a vocabulary and a merge list.
 *
 * @param options - see {@link BpeTokenizerOptions}.
 * @returns a tokenizer whose `encode` is deterministic and whose `decode(encode(text))` is `text`
 *   (for well-formed Unicode; lone surrogates become U+FFFD, as in any UTF-8 round trip).
 * @throws Error naming `options.source` and the offending token if the vocabulary lacks a byte or a
 *   merge refers to an unknown token.
 */
export function createBpeTokenizer(options: BpeTokenizerOptions): BpeTokenizer {
  const source = options.source ?? 'vocabulary';
  const vocab: Record<string, number> = { ...options.vocab };
  const specialTokens: Record<string, number> = { ...(options.specialTokens ?? {}) };
  const addPrefixSpace = options.addPrefixSpace ?? false;
  const merges = options.merges.map(([left, right]) => [left, right] as const);

  let vocabSize = 0;
  for (const [token, id] of [...Object.entries(vocab), ...Object.entries(specialTokens)]) {
    if (!Number.isInteger(id) || id < 0 || id >= ID_LIMIT) {
      throw new Error(`${source}: token ${JSON.stringify(token)} has invalid id ${String(id)}`);
    }
    vocabSize = Math.max(vocabSize, id + 1);
  }

  // byteId[b]: the id of the single-byte token for byte b.
  const byteId = new Int32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    const id = vocab[byteToUnicode[byte]!];
    if (id === undefined) {
      throw new Error(
        `${source}: vocabulary has no token for byte 0x${byte.toString(16).padStart(2, '0')} ` +
          `(${JSON.stringify(byteToUnicode[byte])}); a byte-level BPE needs all 256`,
      );
    }
    byteId[byte] = id;
  }

  // mergeTable: pair key → rank·2^21 + merged id, so the smallest value is the lowest rank.
  const mergeTable = new Map<number, number>();
  // The pair of ids each rank merges, so encoding never looks strings up.
  const mergeLeftId = new Int32Array(merges.length);
  const mergeRightId = new Int32Array(merges.length);
  merges.forEach(([left, right], rank) => {
    const leftId = vocab[left];
    const rightId = vocab[right];
    const mergedId = vocab[left + right];
    if (leftId === undefined || rightId === undefined || mergedId === undefined) {
      const missing = leftId === undefined ? left : rightId === undefined ? right : left + right;
      throw new Error(
        `${source}: merge ${rank} ${JSON.stringify([left, right])} uses token ${JSON.stringify(missing)}, ` +
          'which is not in the vocabulary',
      );
    }
    mergeLeftId[rank] = leftId;
    mergeRightId[rank] = rightId;
    const key = leftId * ID_LIMIT + rightId;
    // Keep the first (lowest-rank) occurrence if a file lists a pair twice, as HF does.
    if (!mergeTable.has(key)) mergeTable.set(key, rank * ID_LIMIT + mergedId);
  });

  // Bytes of each id for decoding; special tokens decode to their text.
  const encoder = new TextEncoder();
  const idBytes = new Array<Uint8Array | undefined>(vocabSize);
  for (const [token, id] of Object.entries(vocab)) idBytes[id] = byteLevelToBytes(token) ?? encoder.encode(token);
  for (const [text, id] of Object.entries(specialTokens)) idBytes[id] = encoder.encode(text);

  const wordCacheLimit = options.wordCacheLimit ?? WORD_CACHE_LIMIT;
  checkInteger('createBpeTokenizer: wordCacheLimit', wordCacheLimit, { min: 0 });
  const wordCache = new Map<string, readonly number[]>();
  // Private copy: exec keeps its position in lastIndex, so the shared pattern must not be used.
  const splitter = new RegExp(gpt2SplitPattern);

  /** BPE on one pre-token: byte ids, then the lowest-ranked pair merged everywhere, repeatedly. */
  function encodeWord(word: string): readonly number[] {
    let bytes: ArrayLike<number>;
    let ascii = true;
    for (let i = 0; i < word.length; i++) {
      if (word.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const codes = new Array<number>(word.length);
      for (let i = 0; i < word.length; i++) codes[i] = word.charCodeAt(i);
      bytes = codes;
    } else {
      bytes = encoder.encode(word);
    }
    let ids: number[] = new Array<number>(bytes.length);
    for (let i = 0; i < bytes.length; i++) ids[i] = byteId[bytes[i]!]!;

    while (ids.length > 1) {
      let best = Infinity;
      for (let i = 0; i < ids.length - 1; i++) {
        const value = mergeTable.get(ids[i]! * ID_LIMIT + ids[i + 1]!);
        if (value !== undefined && value < best) best = value;
      }
      if (best === Infinity) break;
      const mergedId = best % ID_LIMIT;
      const rank = (best - mergedId) / ID_LIMIT;
      const leftId = mergeLeftId[rank]!;
      const rightId = mergeRightId[rank]!;
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i < ids.length - 1 && ids[i] === leftId && ids[i + 1] === rightId) {
          next.push(mergedId);
          i++;
        } else {
          next.push(ids[i]!);
        }
      }
      ids = next;
    }
    return ids;
  }

  function encode(text: string): number[] {
    const input = addPrefixSpace && text.length > 0 && !text.startsWith(' ') ? ` ${text}` : text;
    const out: number[] = [];
    // exec on one RegExp is ~2.5× faster than matchAll here (no iterator, no regexp clone per call).
    splitter.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = splitter.exec(input)) !== null) {
      const word = match[0];
      let ids = wordCache.get(word);
      if (ids === undefined) {
        ids = encodeWord(word);
        if (wordCache.size >= wordCacheLimit) wordCache.clear();
        wordCache.set(word, ids);
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    }
    return out;
  }

  function decode(ids: ArrayLike<number>): string {
    let length = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = idBytes[ids[i]!];
      if (bytes === undefined) {
        throw new Error(`${source}: cannot decode id ${String(ids[i])} at position ${i}; vocabSize is ${vocabSize}`);
      }
      length += bytes.length;
    }
    const buffer = new Uint8Array(length);
    let offset = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = idBytes[ids[i]!]!;
      buffer.set(bytes, offset);
      offset += bytes.length;
    }
    return new TextDecoder().decode(buffer);
  }

  const tokenizer: BpeTokenizer = {
    specificationVersion: 'v1',
    vocabSize,
    specialTokens,
    vocab,
    merges,
    addPrefixSpace,
    encode,
    decode,
    toTokenizerJson: () => tokenizerJsonFrom(tokenizer),
  };
  return tokenizer;
}
