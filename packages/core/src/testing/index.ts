/**
 * Fakes of the core contracts for other packages' tests (vercel/ai style): they record their calls.
 */
import type { Batch, BatchSource, EvalSet } from '../batch-source.js';
import type { LanguageModel } from '../language-model.js';
import type { EntropyLog } from '../logs.js';
import type { Tokenizer } from '../tokenizer.js';
import { createRandom } from '../seeded-random.js';
import { isDueStep, type ProbeLogRecord, type TrainingProbe } from '../training-probe.js';

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

export interface FakeTrainingProbeOptions {
  /** Default `fake`. */
  readonly name?: string;
  /** Measure every this many steps, at step 0 and at the last step ({@link isDueStep}). */
  readonly every: number;
  /** Give the probe a `measureFinal` (default false). */
  readonly final?: boolean;
  /** What `measure` returns; default one all-zero {@link EntropyLog} of the model's shape with `windows: 0`. */
  readonly records?: (step: number, model: LanguageModel) => readonly ProbeLogRecord[];
}

/** One call a fake probe received. */
export interface FakeTrainingProbeCall {
  readonly method: 'measure' | 'measureFinal';
  readonly step: number;
  /** The model it was handed. */
  readonly model: LanguageModel;
}

/**
 * A {@link TrainingProbe} that measures nothing and records its calls, for tests of anything that
 * drives probes (the trainer). Its records are zeros of the model's (nLayer, nHead) shape, `windows: 0`.
 */
export function createFakeTrainingProbe(
  options: FakeTrainingProbeOptions,
): TrainingProbe & { readonly calls: FakeTrainingProbeCall[] } {
  const calls: FakeTrainingProbeCall[] = [];
  const zeros = (model: LanguageModel, step: number): EntropyLog => {
    const { nLayer, nHead } = model.config;
    const perHead = Array.from({ length: nLayer }, () => Array.from({ length: nHead }, () => 0));
    return {
      type: 'entropy',
      step,
      perHead,
      perLayer: perHead.map(() => 0),
      nanCounts: perHead.map(() => 0),
      windows: 0,
    };
  };
  const call = (method: FakeTrainingProbeCall['method'], model: LanguageModel, step: number): void => {
    calls.push({ method, step, model });
  };
  const probe: TrainingProbe & { readonly calls: FakeTrainingProbeCall[] } = {
    specificationVersion: 'v1',
    name: options.name ?? 'fake',
    calls,
    shouldRun: (step, lastStep) => isDueStep(step, options.every, lastStep),
    measure(model, step) {
      call('measure', model, step);
      return Promise.resolve(options.records?.(step, model) ?? [zeros(model, step)]);
    },
  };
  if (options.final !== true) return probe;
  return {
    ...probe,
    measureFinal(model, step) {
      call('measureFinal', model, step);
      return Promise.resolve(zeros(model, step));
    },
  };
}
