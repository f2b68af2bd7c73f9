/**
 * Experiment and run folders on disk: the one module that knows their file names, reads them (with
 * a schema: a damaged file is named with what is wrong), tells a run's status, and decides whether
 * a folder may be used. Run files are the trainer's (`runFileNames`, `parseRunSummary`); this
 * module adds the experiment's `experiment.json`.
 *
 * An `--out` folder is never overwritten with something else:
 * - missing or empty → a new experiment (experiment.json written atomically);
 * - holds the same experiment → continue it with `resume`, otherwise refuse;
 * - holds a different experiment, or files that are not an experiment → refuse.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RunSummary } from '@normfree/core';
import { writeJsonAtomic } from '@normfree/core/node';
import { comparableRunData, parseRunSummary, runFileNames, RunFileError } from '@normfree/trainer';
import { ExperimentInputError, errorMessage } from '../errors.js';
import type { ExperimentPlan, RunnerManifest } from '../plan.js';
import { overridesSchema } from '../run-settings.js';

/** The file that makes a folder an experiment folder. */
export const manifestFileName = 'experiment.json';

const manifestSchema = z.looseObject({
  version: z.literal(1),
  kind: z.literal('normfree-experiment'),
  preset: z.string(),
  configurations: z.array(z.string()).min(1),
  seeds: z.array(z.number().int().nonnegative()).min(1),
  createdAt: z.string(),
  corpus: z.string(),
  tokenizer: z.string(),
  // Manifests written before overrides were recorded have none: the preset as is.
  overrides: overridesSchema.optional(),
  activationModules: z.array(z.string()).optional(),
  data: z
    .looseObject({
      store: z.string(),
      manifestSha256: z.string(),
      seqLen: z.number().int().positive(),
      tokenizer: z.looseObject({ name: z.string(), sha256: z.string(), vocabSize: z.number().int().positive() }),
    })
    .optional(),
});

/** The names in a folder; undefined when it does not exist. */
async function entries(dir: string): Promise<string[] | undefined> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new ExperimentInputError(`'${dir}' exists and is not a folder`);
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A file's text; undefined when it does not exist (any other failure is thrown). */
async function readTextIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** What kind of folder `dir` is, from the files it holds. */
export async function folderKind(dir: string): Promise<'missing' | 'empty' | 'experiment' | 'run' | 'other'> {
  const names = await entries(dir);
  if (names === undefined) return 'missing';
  if (names.length === 0) return 'empty';
  if (names.includes(manifestFileName)) return 'experiment';
  if (names.includes(runFileNames.summary) || names.includes(runFileNames.config) || names.includes(runFileNames.logs))
    return 'run';
  return 'other';
}

/**
 * Read `<dir>/experiment.json`.
 * @returns undefined when there is none.
 * @throws ExperimentInputError naming the file and the field when it is not a valid manifest.
 */
export async function readManifest(dir: string): Promise<RunnerManifest | undefined> {
  const manifest = await readJsonIfPresent(
    join(dir, manifestFileName),
    manifestSchema,
    'a normfree experiment manifest',
  );
  return manifest === undefined ? undefined : ({ ...manifest, overrides: manifest.overrides ?? {} } as RunnerManifest);
}

/**
 * Read a JSON file and check it with `schema`; undefined when the file does not exist.
 * @throws ExperimentInputError naming the file and what is wrong (not JSON, or the schema's issues).
 */
export async function readJsonIfPresent<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | undefined> {
  const text = await readTextIfPresent(path);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ExperimentInputError(`${path} is not valid JSON (${errorMessage(error)})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ExperimentInputError(`${path} is not ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** JSON with object keys sorted, so two values compare equal whatever their key order. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** The fields that make two manifests the same experiment, and how they differ (empty: same). */
export function manifestDifferences(existing: RunnerManifest, wanted: RunnerManifest): string[] {
  const differences: string[] = [];
  const compare = (field: string, a: unknown, b: unknown): void => {
    if (sortedJson(a) !== sortedJson(b))
      differences.push(`${field}: folder has ${sortedJson(a)}, this command asks for ${sortedJson(b)}`);
  };
  compare('preset', existing.preset, wanted.preset);
  compare('configurations', [...existing.configurations].sort(), [...wanted.configurations].sort());
  compare(
    'seeds',
    [...existing.seeds].sort((a, b) => a - b),
    [...wanted.seeds].sort((a, b) => a - b),
  );
  compare('tokenizer', existing.tokenizer, wanted.tokenizer);
  compare('overrides', existing.overrides, wanted.overrides);
  compare('activationModules', existing.activationModules ?? [], wanted.activationModules ?? []);
  // A store is the same data wherever it lies: compared by its hashes (trainer's comparableRunData).
  const storeIdentity = (manifest: RunnerManifest): unknown =>
    manifest.data === undefined ? 'the embedded corpus' : comparableRunData(manifest.data);
  compare('data', storeIdentity(existing), storeIdentity(wanted));
  return differences;
}

/**
 * Make `plan.outDir` ready for the plan's runs.
 *
 * @returns `'new'` when experiment.json was just written, `'resumed'` when the folder already holds
 *   this experiment and `resume` is set.
 * @throws ExperimentInputError when the folder holds anything else, or this experiment without `resume`.
 */
export async function prepareExperimentDirectory(
  plan: ExperimentPlan,
  options: { resume: boolean },
): Promise<'new' | 'resumed'> {
  const dir = plan.outDir;
  const names = await entries(dir);
  if (names === undefined || names.length === 0) {
    await writeJsonAtomic(join(dir, manifestFileName), plan.manifest);
    return 'new';
  }
  const existing = await readManifest(dir);
  if (existing === undefined) {
    throw new ExperimentInputError(
      `--out '${dir}' is not empty and holds no ${manifestFileName}; it is not a normfree experiment, so nothing is written there. Choose another --out.`,
    );
  }
  const differences = manifestDifferences(existing, plan.manifest);
  if (differences.length > 0) {
    throw new ExperimentInputError(
      `--out '${dir}' holds a different experiment; nothing was overwritten. Choose another --out.\n  ${differences.join('\n  ')}`,
    );
  }
  if (!options.resume) {
    throw new ExperimentInputError(
      `--out '${dir}' already holds this experiment; pass --resume to continue it (finished runs are kept), or choose another --out`,
    );
  }
  return 'resumed';
}

/** Today's date as YYYY-MM-DD (UTC). */
export function dateStamp(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The default output folder: `<base>/<name>-<date>`, or `-2`, `-3`, … when that already holds
 * something. With `resume`, the newest existing one (so `reproduce --resume` continues today's run).
 */
export async function defaultOutDir(options: {
  base: string;
  name: string;
  now: Date;
  resume: boolean;
}): Promise<string> {
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

/**
 * Read `<runDir>/summary.json`; undefined when there is none.
 * @throws ExperimentInputError naming the file and field when it is damaged.
 */
export async function readRunSummary(runDir: string): Promise<RunSummary | undefined> {
  const path = join(runDir, runFileNames.summary);
  const text = await readTextIfPresent(path);
  if (text === undefined) return undefined;
  try {
    return parseRunSummary(text, path);
  } catch (error) {
    if (error instanceof RunFileError) throw new ExperimentInputError(error.message);
    throw error;
  }
}

/** Whether a run folder is untouched, finished (completed or diverged) or interrupted. */
export async function readRunState(runDir: string): Promise<RunState> {
  const names = await entries(runDir);
  if (names === undefined || names.length === 0) return { kind: 'new' };
  const summary = await readRunSummary(runDir);
  if (summary === undefined) return { kind: 'unfinished' };
  if (summary.status === 'completed' || summary.status === 'diverged') return { kind: 'finished', summary };
  return { kind: 'unfinished', summary };
}

/** The run folders of an experiment folder that have a summary (finished, stopped or running), sorted by name. */
export async function listRunFolders(dir: string): Promise<string[]> {
  const found = await readdir(dir, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of found) {
    if (entry.isDirectory() && (await readdir(join(dir, entry.name))).includes(runFileNames.summary))
      folders.push(join(dir, entry.name));
  }
  return folders.sort();
}
