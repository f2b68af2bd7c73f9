/**
 * An experiment = one preset × configurations × seeds, with the same data, schedule and overrides
 * for every run. The plan is plain JSON, so a run can be handed to a worker process as is.
 */
import { getExperimentConfiguration, getPreset, paperConfigurationIds, type ExperimentManifest, type Preset, type TrainingOptions } from '@normfree/core';
import { join } from 'node:path';
import type { CliBackendName } from './option-parsers.js';
import { resolveRunSettings, type Overrides, type RunModelSettings } from './run-settings.js';

/** The default corpus, as `experiment.json` names it. */
export const defaultCorpusName = 'default (embedded CPython standard library sources, PSF licence)';

/**
 * `experiment.json`: core's manifest plus the overrides, which are part of an experiment's identity
 * (two experiments with different `--steps` are different experiments). Additive: readers of the
 * core manifest ignore the extra field.
 */
export interface CliExperimentManifest extends ExperimentManifest {
  readonly overrides: Overrides;
}

/** One run (one configuration, one seed) of an experiment: everything a worker needs. */
export interface RunJob {
  /** `<configuration>-seed<seed>`, also the run folder's name. */
  readonly runId: string;
  readonly runDir: string;
  readonly configuration: string;
  readonly label: string;
  readonly seed: number;
  readonly preset: string;
  readonly tokenizer: Preset['tokenizer'];
  readonly model: RunModelSettings;
  readonly training: TrainingOptions;
  readonly backend: CliBackendName;
  /** With `backend: 'wasm'`: serve kernels from @normfree/backend-native when it is built (falls back to plain wasm with the reason printed). */
  readonly nativeKernels: boolean;
}

export interface ExperimentPlan {
  readonly outDir: string;
  readonly manifest: CliExperimentManifest;
  readonly runs: readonly RunJob[];
}

export interface PlanOptions {
  readonly preset: string;
  /** Configuration ids (default: the paper's four). */
  readonly configurations?: readonly string[];
  /** Seeds (default: the preset's, 1337). */
  readonly seeds?: readonly number[];
  readonly overrides?: Overrides;
  readonly backend: CliBackendName;
  /** Use @normfree/backend-native's kernels on wasm when available (default true). */
  readonly nativeKernels?: boolean | undefined;
  readonly outDir: string;
  /** Timestamp for the manifest (tests pass a fixed one). */
  readonly now?: Date;
}

/** The run folder name of a configuration and seed. */
export function runId(configuration: string, seed: number): string {
  return `${configuration}-seed${seed}`;
}

export interface RunJobOptions {
  readonly preset: Preset;
  readonly configuration: string;
  readonly seed: number;
  readonly overrides: Overrides;
  readonly backend: CliBackendName;
  /** Default true. */
  readonly nativeKernels?: boolean | undefined;
  readonly runDir: string;
}

/** One run's job: the preset with the configuration and overrides applied (throws RangeError on bad input). */
export function createRunJob(options: RunJobOptions): RunJob {
  const configuration = getExperimentConfiguration(options.configuration);
  const settings = resolveRunSettings({ preset: options.preset.name, configuration: configuration.id, seed: options.seed, overrides: options.overrides });
  return {
    runId: runId(configuration.id, options.seed),
    runDir: options.runDir,
    configuration: configuration.id,
    label: configuration.label,
    seed: options.seed,
    preset: options.preset.name,
    tokenizer: options.preset.tokenizer,
    model: settings.model,
    training: settings.training,
    backend: options.backend,
    nativeKernels: options.nativeKernels ?? true,
  };
}

/** Resolve and validate every run of an experiment before anything is trained. */
export function planExperiment(options: PlanOptions): ExperimentPlan {
  const preset = getPreset(options.preset);
  const configurations = options.configurations ?? paperConfigurationIds;
  const seeds = options.seeds ?? [preset.training.seed];
  const overrides = options.overrides ?? {};
  const runs: RunJob[] = [];
  for (const id of configurations) {
    for (const seed of seeds) {
      runs.push(createRunJob({ preset, configuration: id, seed, overrides, backend: options.backend, nativeKernels: options.nativeKernels, runDir: join(options.outDir, runId(id, seed)) }));
    }
  }
  const manifest: CliExperimentManifest = {
    version: 1,
    kind: 'normfree-experiment',
    preset: preset.name,
    configurations: [...configurations],
    seeds: [...seeds],
    createdAt: (options.now ?? new Date()).toISOString(),
    corpus: defaultCorpusName,
    tokenizer: preset.tokenizer,
    overrides,
  };
  return { outDir: options.outDir, manifest, runs };
}
