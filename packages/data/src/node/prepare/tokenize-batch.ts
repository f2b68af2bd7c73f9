/**
 * The work of one tokenizing thread: a batch of documents → each document's token count and its
 * windows (the CodeParrot rule: whole document, consecutive windows of T ids, tail dropped).
 */
import type { Tokenizer } from '@normfree/core';
import { windowCount } from '../../token-windows.js';

/** A batch's result; `windows` holds every document's windows back to back, in batch order. */
export interface TokenizedBatch {
  /** Tokens of each document, tail included. */
  readonly tokenCounts: Float64Array;
  /** Windows of each document (⌊tokens / T⌋). */
  readonly windowCounts: Int32Array;
  /** All windows, uint16 when the vocabulary fits, else uint32. */
  readonly windows: Uint16Array | Uint32Array;
  /**
   * The first id outside `[0, vocabSize)`, with its document's index in the batch: the counts and
   * windows above then cover only the documents before it (a broken tokenizer must not write ids
   * the model's embedding cannot hold).
   */
  readonly badId?: { readonly document: number; readonly id: number };
}

/**
 * Tokenizes each text whole and cuts its windows.
 *
 * @param tokenizer - any core `Tokenizer`.
 * @param texts - the batch's documents.
 * @param seqLen - window length T.
 * @returns the batch, cut short at the first id outside `[0, vocabSize)` (see `badId`).
 */
export function tokenizeBatch(tokenizer: Tokenizer, texts: readonly string[], seqLen: number): TokenizedBatch {
  const { vocabSize } = tokenizer;
  const tokenCounts = new Float64Array(texts.length);
  const windowCounts = new Int32Array(texts.length);
  const encoded: ArrayLike<number>[] = [];
  let totalWindows = 0;
  let badId: TokenizedBatch['badId'];
  for (let document = 0; document < texts.length && badId === undefined; document++) {
    const ids = tokenizer.encode(texts[document]!);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
        badId = { document, id };
        break;
      }
    }
    if (badId !== undefined) break;
    tokenCounts[document] = ids.length;
    windowCounts[document] = windowCount(ids.length, seqLen);
    totalWindows += windowCounts[document]!;
    encoded.push(ids);
  }
  const windows = vocabSize <= 65536 ? new Uint16Array(totalWindows * seqLen) : new Uint32Array(totalWindows * seqLen);
  let offset = 0;
  encoded.forEach((ids, document) => {
    const usable = windowCounts[document]! * seqLen;
    for (let i = 0; i < usable; i++) windows[offset + i] = ids[i]!;
    offset += usable;
  });
  return badId === undefined ? { tokenCounts, windowCounts, windows } : { tokenCounts, windowCounts, windows, badId };
}
