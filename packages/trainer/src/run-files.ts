/**
 * The run directory's file formats as pure functions (browser-safe), so a browser app can produce
 * the same files the CLI writes: `config.json`, `logs.jsonl` (one {@link RunLogRecord} per line),
 * `summary.json` (core's {@link RunSummary}), `final-entropy.json`. Only reading and writing files
 * lives in `@normfree/trainer/node`. Reading checks each file against its schema (run-file-schemas.ts)
 * and names the file, the field and the value of what does not fit.
 *
 * JSON cannot hold NaN or ±Infinity; such numbers are written as the strings "NaN", "Infinity",
 * "-Infinity" and read back as numbers, so e.g. an infinite perplexity survives a round trip.
 *
 * References: ARCHITECTURE.md "Run directory"; core `logs.ts`.
 */
import {
  groupRunLogs,
  type EntropyLog,
  type EvalLog,
  type DivergedLog,
  type ModelConfig,
  type RunData,
  type RunLogRecord,
  type RunSummary,
  type TrainingOptions,
  definedFields,
  formatSchemaError,
} from '@normfree/core';
import type { ZodMiniType } from 'zod/mini';
import type { RunConfigurationLabel } from './checkpoint.js';
import { entropyLogFileSchema, runConfigSchema, runLogRecordSchema, runSummarySchema } from './run-file-schemas.js';

/** File names inside one run folder. */
export const runFileNames = {
  config: 'config.json',
  logs: 'logs.jsonl',
  summary: 'summary.json',
  finalEntropy: 'final-entropy.json',
  checkpoint: 'checkpoint.safetensors',
} as const;

/** A run file that cannot be read; the message names the file (and line) and what is wrong. */
export class RunFileError extends Error {
  override readonly name = 'RunFileError';
}

/** `config.json`: what a run was started with; a resume must match it exactly. */
export interface RunConfigFile {
  readonly version: 1;
  readonly kind: 'normfree-run';
  readonly configuration: RunConfigurationLabel;
  readonly seed: number;
  readonly model: ModelConfig;
  readonly training: TrainingOptions;
  /** The token store the run reads (absent: the data its caller chose, e.g. the embedded corpus). */
  readonly data?: RunDataIdentity;
}

/**
 * Which prepared token store a run trains on. Its identity is the manifest's hash (and the
 * tokenizer's); `store` is where it was, which may change when a store is moved, so a resume compares
 * everything but `store` ({@link comparableRunData}).
 */
export interface RunDataIdentity {
  /** The store folder as the run was started with it. */
  readonly store: string;
  /** SHA-256 (hex) of the store's `manifest.json`. */
  readonly manifestSha256: string;
  /** Window length of the store's windows. */
  readonly seqLen: number;
  readonly tokenizer: { readonly name: string; readonly sha256: string; readonly vocabSize: number };
}

/**
 * A token store's identity for comparisons: its hashes, window length and tokenizer, without `store`
 * (where it lies; a store may be moved). Resume checks here and in @normfree/experiment use it.
 */
export function comparableRunData(data: RunDataIdentity): Omit<RunDataIdentity, 'store'> {
  const { store: _store, ...identity } = data;
  return identity;
}

/** The folder name of one run: `<configuration>-seed<seed>`, e.g. `sm-g-seed1337`. */
export function runDirectoryName(configurationId: string, seed: number): string {
  return `${configurationId}-seed${seed}`;
}

const replacer = (_key: string, value: unknown): unknown =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
const reviver = (_key: string, value: unknown): unknown =>
  value === 'NaN'
    ? Number.NaN
    : value === 'Infinity'
      ? Number.POSITIVE_INFINITY
      : value === '-Infinity'
        ? Number.NEGATIVE_INFINITY
        : value;

/** JSON text of a run file (pretty, trailing newline), with non-finite numbers as strings. */
export function formatRunJson(value: unknown): string {
  return `${JSON.stringify(value, replacer, 2)}\n`;
}

/**
 * Parse a run file's JSON text, unchecked (non-finite numbers revived). The run files have checked
 * readers: {@link parseRunSummary}, {@link parseRunConfig}, {@link parseFinalEntropy}.
 * @param source - the file name for error messages.
 */
export function parseRunJson<T>(text: string, source: string): T {
  try {
    return JSON.parse(text, reviver) as T;
  } catch (error) {
    throw new RunFileError(`${source}: not valid JSON (${(error as Error).message})`);
  }
}

/** The checked content of a run file: a {@link RunFileError} naming source, field and value otherwise. */
function checkRunFile<T>(schema: ZodMiniType<T>, json: unknown, source: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new RunFileError(formatSchemaError(parsed.error, json, source));
  return parsed.data;
}

/**
 * Parse and check `config.json` ({@link RunConfigFile}); errors name the file, the field and its value.
 * A file that is not a run config at all (other `kind` or `version`) is named as such.
 */
export function parseRunConfig(text: string, source: string): RunConfigFile {
  const json = parseRunJson<unknown>(text, source);
  const { kind, version } = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (kind !== 'normfree-run' || version !== 1) {
    throw new RunFileError(`${source}: not a normfree run config (needs "kind": "normfree-run", "version": 1)`);
  }
  return checkRunFile(runConfigSchema, json, source);
}

/** Parse and check `final-entropy.json` (core's {@link EntropyLog}); errors name the file and the field. */
export function parseFinalEntropy(text: string, source: string): EntropyLog {
  return checkRunFile(entropyLogFileSchema, parseRunJson<unknown>(text, source), source);
}

/** One JSONL line (with its newline) for a log record. */
export function formatRunLogLine(record: RunLogRecord): string {
  return `${JSON.stringify(record, replacer)}\n`;
}

/** JSONL text for several records. */
export function formatRunLogs(records: Iterable<RunLogRecord>): string {
  let text = '';
  for (const record of records) text += formatRunLogLine(record);
  return text;
}

export interface ParseRunLogsOptions {
  /**
   * Drop a damaged LAST line that has no trailing newline (a write cut short by a crash) instead of
   * throwing; used when resuming. Default false.
   */
  readonly tolerateTruncatedTail?: boolean;
}

/**
 * Parse `logs.jsonl` text. Blank lines are skipped.
 *
 * @param source - the file name; errors read `logs.jsonl:12: …` with the 1-based line number.
 * @throws {@link RunFileError} for a line that is not JSON, or not a log record (naming the field and its value:
 *   `logs.jsonl:3: field "loss" must be a number, got true (not a log record)`).
 */
export function parseRunLogs(text: string, source: string, options: ParseRunLogsOptions = {}): RunLogRecord[] {
  const lines = text.split('\n');
  const records: RunLogRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const isTruncatedTail = index === lines.length - 1 && options.tolerateTruncatedTail === true;
    let record: unknown;
    try {
      record = JSON.parse(line, reviver);
    } catch (error) {
      if (isTruncatedTail) return;
      throw new RunFileError(
        `${source}:${index + 1}: damaged line, not valid JSON (${(error as Error).message}): ${line.slice(0, 80)}`,
      );
    }
    const parsed = runLogRecordSchema.safeParse(record);
    if (!parsed.success) {
      if (isTruncatedTail) return;
      throw new RunFileError(`${formatSchemaError(parsed.error, record, `${source}:${index + 1}`)} (not a log record)`);
    }
    records.push(parsed.data);
  });
  return records;
}

/** A {@link RunSummary}'s fields, with the configuration as one object and the optional logs allowed to be undefined. */
export type BuildRunSummaryInput = Omit<
  RunSummary,
  'version' | 'configuration' | 'label' | 'finalEval' | 'finalEntropy' | 'diverged'
> & {
  readonly configuration: RunConfigurationLabel;
  readonly finalEval?: EvalLog | undefined;
  readonly finalEntropy?: EntropyLog | undefined;
  readonly diverged?: DivergedLog | undefined;
};

/** A core {@link RunSummary} (version 1); optional fields are left out when undefined. */
export function buildRunSummary(input: BuildRunSummaryInput): RunSummary {
  return {
    version: 1,
    configuration: input.configuration.id,
    label: input.configuration.label,
    seed: input.seed,
    status: input.status,
    model: input.model,
    training: input.training,
    stepsCompleted: input.stepsCompleted,
    tokensSeen: input.tokensSeen,
    wallSeconds: input.wallSeconds,
    backend: input.backend,
    parameterCount: input.parameterCount,
    ...definedFields({ finalEval: input.finalEval, finalEntropy: input.finalEntropy, diverged: input.diverged }),
  };
}

/** Parse and check `summary.json` text (core's {@link RunSummary}); errors name the file, the field and its value. */
export function parseRunSummary(text: string, source: string): RunSummary {
  return checkRunFile(runSummarySchema, parseRunJson<unknown>(text, source), source);
}

/** Assemble {@link RunData} from a summary and log records (grouped by type, order kept). */
export function runDataFrom(summary: RunSummary, records: Iterable<RunLogRecord>): RunData {
  return { summary, ...groupRunLogs(records) };
}

/**
 * Differences between two run configs, as readable lines (`training.steps: 8 ≠ 16`); empty when
 * they are equal. Used to refuse resuming a folder with another config.
 */
export function runConfigDifferences(existing: RunConfigFile, requested: RunConfigFile): string[] {
  const differences: string[] = [];
  const walk = (path: string, left: unknown, right: unknown): void => {
    if (typeof left === 'object' && left !== null && typeof right === 'object' && right !== null) {
      const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
      for (const key of keys)
        walk(
          path === '' ? key : `${path}.${key}`,
          (left as Record<string, unknown>)[key],
          (right as Record<string, unknown>)[key],
        );
      return;
    }
    if (!Object.is(left, right))
      differences.push(`${path}: ${JSON.stringify(left) ?? 'absent'} ≠ ${JSON.stringify(right) ?? 'absent'}`);
  };
  const comparable = (config: RunConfigFile): unknown =>
    config.data === undefined ? config : { ...config, data: comparableRunData(config.data) };
  walk('', comparable(existing), comparable(requested));
  return differences;
}
