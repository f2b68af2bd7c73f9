/**
 * The experiment folder: `experiment.json` first, then one subfolder per run. This module decides
 * whether an `--out` folder may be used, and never overwrites something else:
 *
 * - missing or empty → a new experiment (experiment.json written atomically);
 * - holds the same experiment → continue it with `--resume`, otherwise refuse;
 * - holds a different experiment, or files that are not an experiment → refuse.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '@normfree/core';
import { writeJsonAtomic } from '@normfree/core/node';
import { UsageError, errorMessage } from './errors.js';
import type { CliExperimentManifest, ExperimentPlan } from './experiment-plan.js';

export const manifestFileName = 'experiment.json';

async function entries(dir: string): Promise<string[] | undefined> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new UsageError(`--out '${dir}' exists and is not a folder`);
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Read `<dir>/experiment.json`; undefined when there is none. */
export async function readManifest(dir: string): Promise<CliExperimentManifest | undefined> {
  const path = join(dir, manifestFileName);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${errorMessage(error)})`);
  }
  const record = manifest as Partial<CliExperimentManifest> | null;
  if (record === null || typeof record !== 'object' || record.kind !== 'normfree-experiment' || !Array.isArray(record.configurations) || !Array.isArray(record.seeds)) {
    throw new UsageError(`${path} is not a normfree experiment manifest (expected kind 'normfree-experiment' with configurations and seeds)`);
  }
  return { ...record, overrides: record.overrides ?? {} } as CliExperimentManifest;
}

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** The fields that make two manifests the same experiment, and how they differ (empty: same). */
export function manifestDifferences(existing: CliExperimentManifest, wanted: CliExperimentManifest): string[] {
  const differences: string[] = [];
  const compare = (field: string, a: unknown, b: unknown): void => {
    if (sortedJson(a) !== sortedJson(b)) differences.push(`${field}: folder has ${sortedJson(a)}, this command asks for ${sortedJson(b)}`);
  };
  compare('preset', existing.preset, wanted.preset);
  compare('configurations', [...existing.configurations].sort(), [...wanted.configurations].sort());
  compare('seeds', [...existing.seeds].sort((a, b) => a - b), [...wanted.seeds].sort((a, b) => a - b));
  compare('tokenizer', existing.tokenizer, wanted.tokenizer);
  compare('overrides', existing.overrides, wanted.overrides);
  return differences;
}

/**
 * Make `plan.outDir` ready for the plan's runs.
 *
 * @returns `'new'` when experiment.json was just written, `'resumed'` when the folder already holds
 *   this experiment and `resume` is set.
 * @throws UsageError when the folder holds anything else, or this experiment without `resume`.
 */
export async function prepareExperimentDirectory(plan: ExperimentPlan, options: { resume: boolean }): Promise<'new' | 'resumed'> {
  const dir = plan.outDir;
  const names = await entries(dir);
  if (names === undefined || names.length === 0) {
    await writeJsonAtomic(join(dir, manifestFileName), plan.manifest);
    return 'new';
  }
  const existing = await readManifest(dir);
  if (existing === undefined) {
    throw new UsageError(`--out '${dir}' is not empty and holds no ${manifestFileName}; it is not a normfree experiment, so nothing is written there. Choose another --out.`);
  }
  const differences = manifestDifferences(existing, plan.manifest);
  if (differences.length > 0) {
    throw new UsageError(`--out '${dir}' holds a different experiment; nothing was overwritten. Choose another --out.\n  ${differences.join('\n  ')}`);
  }
  if (!options.resume) {
    throw new UsageError(`--out '${dir}' already holds this experiment; pass --resume to continue it (finished runs are kept), or choose another --out`);
  }
  return 'resumed';
}

/** Today's date as YYYY-MM-DD (UTC). */
export function dateStamp(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The default `--out`: `<base>/<name>-<date>`, or `-2`, `-3`, … when that already holds something.
 * With `resume`, the newest existing one (so `normfree reproduce --resume` continues today's run).
 */
export async function defaultOutDir(options: { base: string; name: string; now: Date; resume: boolean }): Promise<string> {
  const stem = join(options.base, `${options.name}-${dateStamp(options.now)}`);
  const candidate = (index: number): string => (index === 1 ? stem : `${stem}-${index}`);
  let index = 1;
  while (((await entries(candidate(index))) ?? []).length > 0) index += 1;
  if (options.resume && index > 1) return candidate(index - 1);
  return candidate(index);
}

export type RunState =
  | { readonly kind: 'new' }
  | { readonly kind: 'finished'; readonly summary: RunSummary }
  | { readonly kind: 'unfinished'; readonly summary?: RunSummary };

/** Whether a run folder is untouched, finished (completed or diverged) or interrupted. */
export async function readRunState(runDir: string): Promise<RunState> {
  const names = await entries(runDir);
  if (names === undefined || names.length === 0) return { kind: 'new' };
  if (!names.includes('summary.json')) return { kind: 'unfinished' };
  const path = join(runDir, 'summary.json');
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(path, 'utf8')) as RunSummary;
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${errorMessage(error)})`);
  }
  if (summary.status === 'completed' || summary.status === 'diverged') return { kind: 'finished', summary };
  return { kind: 'unfinished', summary };
}
