/**
 * Drive {@link train} into a run folder: `config.json`, `logs.jsonl`, `summary.json`,
 * `final-entropy.json`, `checkpoint.safetensors` (ARCHITECTURE "Run directory").
 *
 * The probes' records go to `logs.jsonl` like every other record. After a COMPLETED run the probe
 * with a final measurement (at most one: a summary has one slot, `finalEntropy`) is asked for it; its
 * record becomes `final-entropy.json` and `summary.finalEntropy`. Without such a probe neither is
 * written (`readRunDirectory` then reports no final entropy).
 *
 * Writing rules: every JSON and safetensors file is replaced atomically (temp + rename). The JSONL
 * log is appended one whole line per record (a single `appendFile` each); a crash can at worst
 * leave a cut-off LAST line, which `readRunDirectory` reports by file and line number and a resume
 * drops. On resume the log is rewritten atomically with only the records up to the checkpoint step,
 * so a resumed run's log equals an uninterrupted one's.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  validateTrainingOptions,
  validateTrainingProbes,
  type BatchSource,
  type DivergedLog,
  type EntropyLog,
  type EvalLog,
  type EvalSet,
  type LanguageModel,
  type RunLogRecord,
  type RunStatus,
  type RunSummary,
  type TrainingOptions,
  type TrainingProbe,
  definedFields,
} from '@normfree/core';
import { adamWOptionsFrom, createAdamW, type AdamW } from '../adamw.js';
import { decodeCheckpoint, encodeCheckpoint, loadModelTensors, type RunConfigurationLabel } from '../checkpoint.js';
import {
  buildRunSummary,
  formatRunJson,
  formatRunLogs,
  formatRunLogLine,
  parseRunSummary,
  parseRunLogs,
  runConfigDifferences,
  runFileNames,
  type RunConfigFile,
  type RunDataIdentity,
} from '../run-files.js';
import { train, type TrainOutcome } from '../train.js';
import { readRunConfig } from './read-run-directory.js';
import { writeFileAtomic } from '@normfree/core/node';

export interface RunTrainingArguments {
  /** The run folder, e.g. `runs/laptop/sm-g-seed1337` (see `runDirectoryName`). Created if missing. */
  readonly dir: string;
  /** A freshly built model (its weights are replaced from the checkpoint on resume). */
  readonly model: LanguageModel;
  readonly trainSource: BatchSource;
  readonly evalSet: EvalSet;
  /**
   * Measurements handed to {@link train} (e.g. `[createEntropyProbe(…)]` from `@normfree/entropy`), and
   * the source of the final measurement: the probe with `measureFinal` fills `final-entropy.json` and
   * `summary.finalEntropy` after a completed run. `[]` for none.
   */
  readonly probes: readonly TrainingProbe[];
  readonly options: TrainingOptions;
  /** Configuration id and paper label, e.g. `{ id: 'sm-g', label: 'SM+G' }`. */
  readonly configuration: RunConfigurationLabel;
  /** The run's seed; must equal `options.seed` when given (default `options.seed`). */
  readonly seed?: number;
  /** Backend name for the summary, e.g. `wasm`. */
  readonly backend: string;
  /**
   * The token store `trainSource` and `evalSet` read, recorded in `config.json`; a resume with
   * another store (another manifest or tokenizer hash) is refused like any other difference.
   */
  readonly data?: RunDataIdentity;
  /**
   * Continue the run in `dir` from its checkpoint. Refused (with the differing fields) when
   * `config.json` differs. A run whose summary says completed or diverged is returned unchanged.
   * Without `resume`, a folder that already holds a run is refused.
   */
  readonly resume?: boolean;
  /** Sees every log record after it was written (e.g. for a progress bar). */
  readonly onLog?: (record: RunLogRecord) => void | Promise<void>;
  /**
   * Abort to stop at the next step boundary (after the current step's logs): a checkpoint is written
   * and the status becomes `stopped`; `resume: true` continues from there.
   */
  readonly signal?: AbortSignal;
  /** Clock in ms for the trainer's timings (default `performance.now`). */
  readonly now?: () => number;
}

const parameterCountOf = (model: LanguageModel): number =>
  model.parameters.reduce((total, parameter) => total + parameter.variable.size, 0);

/**
 * Train one run into its folder, resuming when asked, and return its final summary.
 *
 * @returns the {@link RunSummary} written last (status completed, diverged or stopped).
 * @throws on a config mismatch, a non-empty folder without `resume`, or a damaged checkpoint;
 *   any error during training marks the summary `stopped` before it propagates.
 */
export async function runTraining(args: RunTrainingArguments): Promise<RunSummary> {
  const { dir, model, options, configuration } = args;
  validateTrainingOptions(options);
  validateTrainingProbes(args.probes); // before any file is touched
  const seed = args.seed ?? options.seed;
  if (seed !== options.seed)
    throw new RangeError(`runTraining: seed ${seed} differs from options.seed ${options.seed}`);
  const paths = Object.fromEntries(Object.entries(runFileNames).map(([key, name]) => [key, join(dir, name)])) as Record<
    keyof typeof runFileNames,
    string
  >;
  const requested: RunConfigFile = {
    version: 1,
    kind: 'normfree-run',
    configuration,
    seed,
    model: model.config,
    training: options,
    ...definedFields({ data: args.data }),
  };

  // 1. a fresh folder, or a resume that matches what is there
  const existing = await readRunConfig(dir);
  let startStep = 0;
  let records: RunLogRecord[] = [];
  let previousWallSeconds = 0;
  let optimizer: AdamW | undefined;
  if (existing !== undefined) {
    if (args.resume !== true) {
      throw new Error(
        `${dir} already holds a run (${runFileNames.config}); pass resume: true to continue it, or choose another folder`,
      );
    }
    const differences = runConfigDifferences(existing, JSON.parse(JSON.stringify(requested)) as RunConfigFile);
    if (differences.length > 0) {
      throw new Error(
        `cannot resume ${dir}: its ${runFileNames.config} differs from the requested run (existing ≠ requested):\n  ${differences.join('\n  ')}`,
      );
    }
    if (existsSync(paths.summary)) {
      // a finished run is returned as it is: resuming it would only repeat (or re-diverge)
      const previous = parseRunSummary(await readFile(paths.summary, 'utf8'), paths.summary);
      if (previous.status === 'completed' || previous.status === 'diverged') return previous;
    }
    if (existsSync(paths.checkpoint)) {
      const checkpoint = decodeCheckpoint(await readFile(paths.checkpoint), paths.checkpoint);
      loadModelTensors(model, checkpoint.modelTensors);
      startStep = checkpoint.step;
      optimizer = createAdamW(model.parameters, adamWOptionsFrom(options), checkpoint.optimizer);
      if (existsSync(paths.logs)) {
        const kept = parseRunLogs(await readFile(paths.logs, 'utf8'), paths.logs, { tolerateTruncatedTail: true });
        records = kept.filter((record) => record.step <= startStep && record.type !== 'diverged');
      }
      if (existsSync(paths.summary)) {
        previousWallSeconds = parseRunSummary(await readFile(paths.summary, 'utf8'), paths.summary).wallSeconds;
      }
    }
  }
  optimizer ??= createAdamW(model.parameters, adamWOptionsFrom(options));
  await writeFileAtomic(paths.config, formatRunJson(requested));
  await writeFileAtomic(paths.logs, formatRunLogs(records));

  // 2. state that the summary needs, from the kept records and then from the live ones
  const tokensPerStep = options.microBatchSize * options.gradientAccumulation * args.trainSource.seqLen;
  let stepsCompleted = startStep;
  let finalEval: EvalLog | undefined = [...records]
    .reverse()
    .find((record): record is EvalLog => record.type === 'eval');
  let finalEntropy: EntropyLog | undefined;
  let diverged: DivergedLog | undefined;
  const started = Date.now();
  const summary = (status: RunStatus): RunSummary =>
    buildRunSummary({
      configuration,
      seed,
      status,
      model: model.config,
      training: options,
      stepsCompleted,
      tokensSeen: stepsCompleted * tokensPerStep,
      wallSeconds: previousWallSeconds + (Date.now() - started) / 1000,
      backend: args.backend,
      parameterCount: parameterCountOf(model),
      finalEval,
      finalEntropy,
      diverged,
    });
  const writeSummary = async (status: RunStatus): Promise<RunSummary> => {
    const value = summary(status);
    await writeFileAtomic(paths.summary, formatRunJson(value));
    return value;
  };
  const writeCheckpoint = async (step: number): Promise<void> => {
    await writeFileAtomic(
      paths.checkpoint,
      await encodeCheckpoint({ model, step, optimizer: optimizer, training: options, configuration }),
    );
  };

  // 3. train, writing as we go
  await writeSummary('running');
  const generator = train(model, {
    trainSource: args.trainSource,
    evalSet: args.evalSet,
    probes: args.probes,
    options,
    startStep,
    optimizer,
    onCheckpoint: async ({ step }) => {
      await writeCheckpoint(step);
      await writeSummary('running');
    },
    ...definedFields({ signal: args.signal, now: args.now }),
  });
  let outcome: TrainOutcome | undefined;
  try {
    for (;;) {
      const next = await generator.next();
      if (next.done === true) {
        outcome = next.value;
        break;
      }
      const record = next.value;
      await appendFile(paths.logs, formatRunLogLine(record));
      if (record.type === 'step') stepsCompleted = record.step;
      if (record.type === 'eval') finalEval = record;
      if (record.type === 'diverged') diverged = record;
      await args.onLog?.(record);
    }
    if (outcome?.status === 'stopped') {
      await writeCheckpoint(stepsCompleted);
      return await writeSummary('stopped');
    }
    if (outcome?.status === 'diverged') {
      // the failed update was not applied: the checkpoint holds the last finite state
      await writeCheckpoint(stepsCompleted);
      return await writeSummary('diverged');
    }
    const finalProbe = args.probes.find((probe) => probe.measureFinal !== undefined);
    if (finalProbe?.measureFinal !== undefined) {
      finalEntropy = await finalProbe.measureFinal(model, stepsCompleted);
      if (finalEntropy.type !== 'entropy' || finalEntropy.step !== stepsCompleted) {
        throw new TypeError(
          `runTraining: probe '${finalProbe.name}' gave a final '${String(finalEntropy.type)}' record for step ${finalEntropy.step}; expected 'entropy' for step ${stepsCompleted}`,
        );
      }
      await writeFileAtomic(paths.finalEntropy, formatRunJson(finalEntropy));
    }
    return await writeSummary('completed');
  } catch (error) {
    await writeSummary('stopped').catch(() => undefined);
    throw error;
  } finally {
    optimizer.dispose();
  }
}
