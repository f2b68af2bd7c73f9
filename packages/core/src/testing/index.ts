/**
 * Fakes of the core contracts for other packages' tests (vercel/ai style): they record their calls.
 */
import type { Batch, BatchSource, EvalSet } from '../batch-source.js';
import type { Tokenizer } from '../tokenizer.js';
import { createRandom } from '../seeded-random.js';

/** A byte-level tokenizer (ids 0–255 are UTF-8 bytes) that records what it encoded. */
export function createFakeTokenizer(): Tokenizer & { readonly encodeCalls: string[] } {
  const encodeCalls: string[] = [];
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    specificationVersion: 'v1',
    vocabSize: 256,
    specialTokens: {},
    encodeCalls,
    encode(text) {
      encodeCalls.push(text);
      return Array.from(encoder.encode(text));
    },
    decode(ids) {
      return decoder.decode(Uint8Array.from(Array.from(ids)));
    },
  };
}

/**
 * A batch source over random windows (seeded) of ids below `vocabSize`; `batchAt(step)` is a pure
 * function of (seed, step), like the real sampler. Records which steps were asked for.
 */
export function createFakeBatchSource(options: {
  batchSize: number;
  seqLen: number;
  vocabSize: number;
  numWindows?: number;
  seed?: number;
}): BatchSource & { readonly requestedSteps: number[] } {
  const numWindows = options.numWindows ?? 64;
  const random = createRandom(options.seed ?? 0);
  const windows = Array.from({ length: numWindows }, () =>
    Int32Array.from({ length: options.seqLen }, () => random.nextInt(options.vocabSize)),
  );
  const requestedSteps: number[] = [];
  return {
    specificationVersion: 'v1',
    batchSize: options.batchSize,
    seqLen: options.seqLen,
    numWindows,
    requestedSteps,
    batchAt(step): Batch {
      requestedSteps.push(step);
      const inputIds = new Int32Array(options.batchSize * options.seqLen);
      for (let b = 0; b < options.batchSize; b++) {
        inputIds.set(windows[(step * options.batchSize + b) % numWindows]!, b * options.seqLen);
      }
      return { inputIds, batchSize: options.batchSize, seqLen: options.seqLen };
    },
  };
}

/** An eval set over given windows. */
export function createFakeEvalSet(windows: readonly Int32Array[], seqLen: number): EvalSet {
  return {
    specificationVersion: 'v1',
    seqLen,
    numWindows: windows.length,
    *batches(batchSize) {
      for (let start = 0; start < windows.length; start += batchSize) {
        const chunk = windows.slice(start, start + batchSize);
        const inputIds = new Int32Array(chunk.length * seqLen);
        chunk.forEach((window, index) => inputIds.set(window, index * seqLen));
        yield { inputIds, batchSize: chunk.length, seqLen };
      }
    },
  };
}
