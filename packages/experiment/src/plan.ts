/**
 * An experiment = one preset × configurations × seeds, with the same data, schedule and overrides
 * for every run. A plan holds what is trained apart from where it trains: a {@link RunSpec} per run
 * (the plan's identity: everything that decides the numbers) and one {@link ExecutionTarget}
 * (backend, native kernels, GPU adapter: how it is trained). The plan is plain JSON, so a run can be
 * handed to a worker process or a cluster job as is: a {@link RunJob} is a spec, its folder and the
 * target, everything needed to train it.
 */
import { listActivations } from '@normfree/activations';
import type { BackendName } from '@normfree/backend';
import {
  activationForLayer,
  describeActivation,
  getExperimentConfiguration,
  getPreset,
  paperConfigurationIds,
  type ExperimentManifest,
  type ModelConfig,
  type Preset,
  type TrainingOptions,
} from '@normfree/core';
import type { RunDataIdentity } from '@normfree/trainer';
import { ExperimentInputError, asInputError } from './errors.js';
import { createExecutionTarget, type ExecutionTarget, type ExecutionTargetOptions } from './execution-target.js';
import { resolveRunSettings, validateOverrides, type Overrides } from './run-settings.js';

/** The default corpus, as `experiment.json` names it. */
export const defaultCorpusName = 'default (embedded CPython standard library sources, PSF licence)';

/**
 * `experiment.json`: core's manifest plus the overrides, which are part of an experiment's identity
 * (two experiments with different `--steps` are different experiments). Additive: readers of the
 * core manifest ignore the extra fields.
 */
export interface RunnerManifest extends ExperimentManifest {
  readonly overrides: Overrides;
  /** Plug-in activation modules the runs import (absolute paths or URLs); absent when none. */
  readonly activationModules?: readonly string[];
  /** The token store the runs read (`--data`); absent for the embedded corpus. */
  readonly data?: RunDataIdentity;
}

/**
 * A prepared token store as a plan sees it (`describeTokenStore` in `@normfree/experiment/node` reads
 * it): the identity every run records, and the window counts the plan checks against the preset.
 */
export interface ExperimentData extends RunDataIdentity {
  readonly trainWindows: number;
  readonly validationWindows: number;
}

/** `experiment.json`'s corpus text for a token store. */
export function tokenStoreCorpusName(data: RunDataIdentity): string {
  return `token store ${data.store} (manifest sha256 ${data.manifestSha256.slice(0, 12)}…, ${data.seqLen}-token windows)`;
}

/**
 * What one run (one configuration, one seed) of an experiment trains: everything that decides its
 * numbers, and nothing about where it trains ({@link ExecutionTarget}). Two plans whose specs are
 * equal train the same runs; `plan.json` refuses a changed spec once runs have started.
 */
export interface RunSpec {
  /** `<configuration>-seed<seed>`, also the run folder's name. */
  readonly runId: string;
  readonly configuration: string;
  readonly label: string;
  readonly seed: number;
  readonly preset: string;
  readonly tokenizer: Preset['tokenizer'];
  /** Complete and validated, with the tokenizer's vocabulary. */
  readonly model: ModelConfig;
  readonly training: TrainingOptions;
  /** ES modules that register plug-in activations; imported before the model is built, in every process. */
  readonly activationModules: readonly string[];
  /** The token store to train on (`--data`); absent: the embedded corpus with the preset's tokenizer. */
  readonly data?: RunDataIdentity;
}

/** A spec with the folder its run writes (`<experiment>/<runId>` in a plan). */
export interface PlannedRun extends RunSpec {
  readonly runDir: string;
}

/** One run ready to train: its spec, its folder and its execution target. What an executor gets. */
export interface RunJob extends PlannedRun {
  readonly target: ExecutionTarget;
}

export interface ExperimentPlan {
  readonly outDir: string;
  readonly manifest: RunnerManifest;
  /** Where and how every run of the plan trains (one target for all: they are one experiment). */
  readonly target: ExecutionTarget;
  readonly runs: readonly PlannedRun[];
}

/** What every run of an experiment shares. */
export interface RunJobCommon {
  readonly preset: string;
  readonly overrides?: Overrides;
  /**
   * The vocabulary of the tokenizer the runs use: the preset's (`loadTokenizerVocabSize` in
   * `@normfree/experiment/node`), or the store's with `data`.
   */
  readonly vocabSize: number;
  /** Train on this token store instead of the embedded corpus. */
  readonly data?: ExperimentData;
  /** Where and how the runs train (checked with `createExecutionTarget`; native kernels default to on). */
  readonly target: ExecutionTargetOptions;
  /** Default none. */
  readonly activationModules?: readonly string[];
}

/** The job of a planned run trained on `target` (how `runExperiment` and `normfree run` hand runs to executors). */
export function runJob(run: PlannedRun, target: ExecutionTarget): RunJob {
  return { ...run, target };
}

/** The spec of a job or planned run: what `plan.json` stores and compares. */
export function runSpecOf(run: RunSpec & { readonly runDir?: string; readonly target?: ExecutionTarget }): RunSpec {
  const { runDir: _runDir, target: _target, ...spec } = run;
  return spec;
}

export interface PlanOptions extends RunJobCommon {
  /** Configuration ids (default: the paper's four). */
  readonly configurations?: readonly string[];
  /** Seeds (default: the preset's, 1337). */
  readonly seeds?: readonly number[];
  readonly outDir: string;
  /** Timestamp for the manifest (tests pass a fixed one). */
  readonly now?: Date;
}

/** The run folder name of a configuration and seed. */
export function runId(configuration: string, seed: number): string {
  return `${configuration}-seed${seed}`;
}

/**
 * The paper's label of a configuration (`SM+LN+G`), or, when norm or activation are overridden, a
 * label that says what the run really is (`SM+squared-relu`, `SM+LN+leaky-relu(0.1)`), so a report
 * never names a run after an activation it did not use.
 */
export function runLabel(configurationLabel: string, model: ModelConfig, overrides: Overrides): string {
  if (overrides.norm === undefined && overrides.activation === undefined) return configurationLabel;
  return `SM${model.norm === 'layernorm' ? '+LN' : ''}+${describeActivation(model.activation)}`;
}

/**
 * The configuration id a run records: the configuration's, or, when norm or activation are
 * overridden, one made from its label (`SM+LN+leaky-relu(0.1)` → `sm+ln+leaky-relu-0.1`). The paper's
 * ids (`sm-g`, `sm-r`, …) must only name the paper's models: the report tests the paper's orderings
 * on them, and an `sm-g` run with ReLU in it would be counted as GELU.
 */
export function runConfigurationId(configurationId: string, label: string, overrides: Overrides): string {
  if (overrides.norm === undefined && overrides.activation === undefined) return configurationId;
  return label
    .toLowerCase()
    .replace(/×/g, 'x')
    .replace(/[^a-z0-9.+_-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/(^-|-$)/g, '')
    .replace(/-\+/g, '+');
}

/**
 * One run's job: the preset with the configuration and overrides applied.
 * @throws ExperimentInputError on an unknown name or an impossible setting.
 */
export function createRunJob(
  options: RunJobCommon & { readonly configuration: string; readonly seed: number; readonly runDir: string },
): RunJob {
  const preset = asInputError(() => getPreset(options.preset));
  const configuration = asInputError(() => getExperimentConfiguration(options.configuration));
  const settings = resolveRunSettings({
    preset: preset.name,
    configuration: configuration.id,
    seed: options.seed,
    overrides: options.overrides ?? {},
    vocabSize: options.vocabSize,
  });
  checkActivationKinds(settings.model, `preset '${preset.name}', configuration '${configuration.id}'`);
  const target = createExecutionTarget(options.target);
  checkBackendSupports(target.backend, settings.model, `configuration '${configuration.id}'`);
  if (options.data !== undefined) checkTokenStore(options.data, settings, `preset '${preset.name}'`);
  const label = runLabel(configuration.label, settings.model, options.overrides ?? {});
  const id = runConfigurationId(configuration.id, label, options.overrides ?? {});
  return {
    runId: runId(id, options.seed),
    runDir: options.runDir,
    configuration: id,
    label,
    seed: options.seed,
    preset: preset.name,
    tokenizer: preset.tokenizer,
    model: settings.model,
    training: settings.training,
    activationModules: [...(options.activationModules ?? [])],
    ...(options.data === undefined ? {} : { data: dataIdentity(options.data) }),
    target,
  };
}

/** The identity a run records, without the plan-only window counts. */
function dataIdentity(data: ExperimentData): RunDataIdentity {
  const { trainWindows: _train, validationWindows: _validation, ...identity } = data;
  return identity;
}

/**
 * A store fits a run when its tokenizer is the model's, its windows fit the model's context, and it
 * has a batch of training windows and some validation windows.
 */
function checkTokenStore(
  data: ExperimentData,
  settings: { model: ModelConfig; training: TrainingOptions },
  where: string,
): void {
  const { model, training } = settings;
  const store = `--data '${data.store}'`;
  if (data.tokenizer.vocabSize !== model.vocabSize) {
    throw new ExperimentInputError(
      `${store}: its tokenizer '${data.tokenizer.name}' has ${data.tokenizer.vocabSize} ids but the model was planned for ${model.vocabSize}`,
    );
  }
  if (data.seqLen > model.blockSize) {
    throw new ExperimentInputError(
      `${store}: its windows are ${data.seqLen} tokens, longer than the model's context of ${model.blockSize} (${where}); prepare the store with --seq-len ${model.blockSize}, or pass --block-size ${data.seqLen}`,
    );
  }
  if (data.trainWindows < training.microBatchSize) {
    throw new ExperimentInputError(
      `${store}: its training split has ${data.trainWindows} windows of ${data.seqLen} tokens, fewer than one batch of ${training.microBatchSize} (${where}); prepare more input or pass a smaller --batch-size`,
    );
  }
  if (data.validationWindows === 0) {
    throw new ExperimentInputError(
      `${store}: its validation split has no window of ${data.seqLen} tokens, so nothing can be evaluated; prepare it with --validation <files> or a larger --validation-fraction`,
    );
  }
}

/**
 * What a backend cannot train yet, refused before anything runs: on webgpu in Node a tensor cannot
 * be read synchronously (tfjs-backend-webgpu's dataSync needs OffscreenCanvas), and the trainer reads
 * learnable slopes with `LanguageModel.slopes()`, which is synchronous.
 */
function checkBackendSupports(backend: BackendName, model: ModelConfig, where: string): void {
  if (backend !== 'webgpu') return;
  for (let layer = 0; layer < model.nLayer; layer++) {
    if (activationForLayer(model.activation, layer).kind === 'learnable-leaky-relu') {
      throw new ExperimentInputError(
        `${where}: learnable-slope activations cannot train on --backend webgpu in Node yet (their slopes are read synchronously, which webgpu in Node cannot do); use --backend wasm or cpu for it`,
      );
    }
  }
}

/**
 * Every layer's activation kind must be registered in this process (builtins always are; plug-ins
 * once their module is imported, see `loadActivationModules`), so a typo fails before training.
 */
function checkActivationKinds(model: ModelConfig, where: string): void {
  const known = listActivations();
  for (let layer = 0; layer < model.nLayer; layer++) {
    const { kind } = activationForLayer(model.activation, layer);
    if (!known.includes(kind)) {
      throw new ExperimentInputError(
        `${where}: activation '${kind}' (layer ${layer}) is not registered; known: ${known.join(', ')}. A plug-in must be loaded first (--activation-module <file>).`,
      );
    }
  }
}

/**
 * Resolve and validate every run of an experiment before anything is trained.
 * @throws ExperimentInputError on an unknown preset or configuration, a duplicate, or an impossible run.
 */
export function planExperiment(options: PlanOptions): ExperimentPlan {
  const preset = asInputError(() => getPreset(options.preset));
  const configurations = options.configurations ?? paperConfigurationIds;
  const seeds = options.seeds ?? [preset.training.seed];
  const overrides = validateOverrides(options.overrides ?? {});
  for (const [what, list] of [
    ['configuration', configurations],
    ['seed', seeds],
  ] as const) {
    const duplicate = list.find((item, index) => list.indexOf(item as never) !== index);
    if (duplicate !== undefined) throw new ExperimentInputError(`${what} ${JSON.stringify(duplicate)} is listed twice`);
  }
  if (configurations.length === 0 || seeds.length === 0)
    throw new ExperimentInputError(
      `an experiment needs at least one configuration and one seed, got ${configurations.length} and ${seeds.length}`,
    );
  const target = createExecutionTarget(options.target);
  const runs: PlannedRun[] = [];
  for (const id of configurations) {
    for (const seed of seeds) {
      const job = createRunJob({ ...options, target, overrides, configuration: id, seed, runDir: '' });
      runs.push({ ...runSpecOf(job), runDir: joinPath(options.outDir, job.runId) });
    }
  }
  // A norm or activation override can make two configurations the same model: refuse, not train twice.
  const sameModel = runs.find((run, index) => runs.findIndex((other) => other.runId === run.runId) !== index);
  if (sameModel !== undefined) {
    throw new ExperimentInputError(
      `with the overrides given, two configurations train the same model (${sameModel.label}); list only one of them in the configurations`,
    );
  }
  const activationModules = options.activationModules ?? [];
  const manifest: RunnerManifest = {
    version: 1,
    kind: 'normfree-experiment',
    preset: preset.name,
    configurations: [...configurations],
    seeds: [...seeds],
    createdAt: (options.now ?? new Date()).toISOString(),
    corpus: options.data === undefined ? defaultCorpusName : tokenStoreCorpusName(options.data),
    tokenizer: options.data === undefined ? preset.tokenizer : options.data.tokenizer.name,
    overrides,
    ...(activationModules.length === 0 ? {} : { activationModules: [...activationModules] }),
    ...(options.data === undefined ? {} : { data: dataIdentity(options.data) }),
  };
  return { outDir: options.outDir, manifest, target, runs };
}

/** `dir/name` without node:path (this entry runs in the browser too); keeps the folder's own separator. */
function joinPath(dir: string, name: string): string {
  const separator = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(separator) ? `${dir}${name}` : `${dir}${separator}${name}`;
}
