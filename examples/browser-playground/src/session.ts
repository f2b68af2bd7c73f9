/**
 * One training session of the playground: one or two configurations of a preset, trained in
 * turns on the current backend (one trainer record from each run in turn, so both curves grow
 * together), with every record kept for the charts and the run-folder download.
 */
import {
  configurationActivation,
  getExperimentConfiguration,
  getPreset,
  resolveModelConfig,
  type Batch,
  type EntropyLog,
  type ExperimentConfiguration,
  type LanguageModel,
  type ModelConfig,
  type Preset,
  type RunLogRecord,
  type StepLog,
  type TrainingOptions,
  definedFields,
} from '@normfree/core';
import { createEntropyProbe } from '@normfree/entropy';
import { train, type RunDataIdentity, type TrainOutcome } from '@normfree/trainer';
import { createModel } from '@normfree/transformer';
import * as tf from '@tensorflow/tfjs-core';
import { embeddedSessionData, storeSessionData } from './dataset.js';
import type { PagePreset } from './default-store-url.js';

export { pagePresets, type PagePreset } from './default-store-url.js';

export interface RunState {
  readonly configuration: ExperimentConfiguration;
  readonly model: ModelConfig;
  readonly training: TrainingOptions;
  readonly parameterCount: number;
  readonly records: RunLogRecord[];
  status: 'running' | 'completed' | 'diverged' | 'stopped';
  outcome?: TrainOutcome;
  finalEntropy?: EntropyLog;
  wallSeconds: number;
}

export interface SessionOptions {
  readonly preset: PagePreset;
  /** One or two configuration ids (core's experimentConfigurations). */
  readonly configurationIds: readonly string[];
  /** Optimizer steps (default: the preset's). */
  readonly steps?: number;
  /** Backend name for the summary (the caller selected it). */
  readonly backend: string;
  /** URL of a token store (`normfree prepare`) to train on instead of the embedded corpus. */
  readonly dataUrl?: string;
  /** Called after every record; return quickly (render elsewhere, throttled). */
  readonly onRecord?: (run: RunState, record: RunLogRecord) => void;
  /** Called with progress text (dataset loading, final entropy). */
  readonly onStatus?: (text: string) => void;
  /** Abort to stop both runs after their current step. */
  readonly signal?: AbortSignal;
}

export interface Session {
  readonly preset: Preset;
  readonly runs: readonly RunState[];
  readonly startedAt: Date;
  readonly backend: string;
  readonly tokenizerVocabSize: number;
  /** What the runs trained on (experiment.json's corpus). */
  readonly corpus: string;
  /** The token store's identity (config.json's `data`), when the runs read one. */
  readonly data?: RunDataIdentity;
}

/** The preset's training options for `steps` steps, with entropy logged often enough to watch (≥ 4 heatmaps). */
export function pageTrainingOptions(preset: Preset, steps: number): TrainingOptions {
  const every = (cadence: number): number => Math.max(1, Math.min(cadence, Math.floor(steps / 4)));
  return {
    ...preset.training,
    steps,
    entropyEvery: every(preset.training.entropyEvery),
    evalEvery: every(preset.training.evalEvery),
  };
}

/** Train the session's runs in turns; resolves when all have finished or been stopped. */
export async function runSession(options: SessionOptions): Promise<Session> {
  const preset = getPreset(options.preset);
  const steps = options.steps ?? preset.training.steps;
  const training = pageTrainingOptions(preset, steps);
  options.onStatus?.(
    options.dataUrl === undefined
      ? "Opening the embedded corpus's token store…"
      : `Opening the token store ${options.dataUrl}…`,
  );
  // A store's whole validation split may be large: the page evaluates on at most what the preset uses.
  const evalWindows = Math.max(
    training.evalWindows === 0 ? 256 : training.evalWindows,
    training.finalEntropyWindows,
    training.entropyBatchSize,
  );
  const data =
    options.dataUrl === undefined
      ? await embeddedSessionData({ seqLen: preset.model.blockSize, evalWindows })
      : await storeSessionData(options.dataUrl, { blockSize: preset.model.blockSize, evalWindows });
  options.onStatus?.(data.description);
  const { tokenizer, evalSet } = data;
  const entropyBatch: Batch = evalSet.batches(training.entropyBatchSize)[Symbol.iterator]().next().value as Batch;
  const entropyProbe = createEntropyProbe({ batch: entropyBatch, evalSet, options: training });
  const startedAt = new Date();
  const runs: RunState[] = [];
  const generators: AsyncGenerator<RunLogRecord, TrainOutcome, undefined>[] = [];
  const models: LanguageModel[] = [];
  try {
    for (const id of options.configurationIds) {
      const configuration = getExperimentConfiguration(id);
      const model = resolveModelConfig({
        ...preset.model,
        vocabSize: tokenizer.vocabSize,
        norm: configuration.norm,
        activation: configurationActivation(configuration, preset.model.nLayer),
      });
      const languageModel = createModel(model, { seed: training.seed });
      models.push(languageModel);
      const parameterCount = languageModel.parameters.reduce((total, parameter) => total + parameter.variable.size, 0);
      runs.push({ configuration, model, training, parameterCount, records: [], status: 'running', wallSeconds: 0 });
      const trainSource = data.trainSource(training.microBatchSize, training.seed);
      generators.push(train(languageModel, { trainSource, evalSet, probes: [entropyProbe], options: training }));
    }
    const started = performance.now();
    let active = runs.map((_, index) => index);
    while (active.length > 0) {
      for (const index of active) {
        const run = runs[index]!;
        if (options.signal?.aborted === true) {
          await generators[index]!.return({ status: 'completed', stepsCompleted: 0, tokensSeen: 0 });
          run.status = 'stopped';
          continue;
        }
        const next = await generators[index]!.next();
        run.wallSeconds = (performance.now() - started) / 1000;
        if (next.done === true) {
          run.outcome = next.value;
          run.status = next.value.status;
          continue;
        }
        run.records.push(next.value);
        options.onRecord?.(run, next.value);
      }
      active = active.filter((index) => runs[index]!.status === 'running');
    }
    for (const [index, run] of runs.entries()) {
      if (run.status !== 'completed') continue;
      options.onStatus?.(
        `Final head entropy of ${run.configuration.label} over ${Math.min(training.finalEntropyWindows, evalSet.numWindows)} validation windows…`,
      );
      run.finalEntropy = await entropyProbe.measureFinal(models[index]!, run.outcome?.stepsCompleted ?? steps);
    }
  } finally {
    for (const model of models) model.dispose();
  }
  return {
    preset,
    runs,
    startedAt,
    backend: options.backend,
    tokenizerVocabSize: tokenizer.vocabSize,
    corpus: data.corpus,
    ...definedFields({ data: data.identity }),
  };
}

/** Training tokens per second of a run, median over its steps after the first (warm-up: shader compilation). */
export function medianTokensPerSecond(records: readonly RunLogRecord[]): number | undefined {
  const speeds = records
    .filter((record): record is StepLog => record.type === 'step')
    .slice(1)
    .map((log) => log.tokensPerSecond)
    .sort((a, b) => a - b);
  if (speeds.length === 0) return undefined;
  const middle = Math.floor(speeds.length / 2);
  return speeds.length % 2 === 1 ? speeds[middle]! : (speeds[middle - 1]! + speeds[middle]!) / 2;
}

/** Tensors currently allocated (the page shows it; a growing number is a leak). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
