/**
 * `plan.json`: every run of an experiment as the plan resolved it (configuration, seed, complete
 * model and training settings, backend, plug-in modules), written next to `experiment.json` before
 * anything is trained. It is what lets one run be trained on its own, by `normfree run <exp>
 * --index i` on any machine that sees the folder (a cluster job array), with exactly the settings
 * every other run got.
 *
 * Run folders are stored by name, not by absolute path, so the experiment folder can be mounted at
 * another path on another machine (NFS, a Kubernetes volume).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '@normfree/core/node';
import { comparableRunData } from '@normfree/trainer';
import { ExperimentInputError } from '../errors.js';
import type { ExperimentPlan, RunJob } from '../plan.js';
import { readJsonIfPresent, readManifest, sortedJson } from './experiment-folder.js';

export const planFileName = 'plan.json';

/** A job as stored: its run folder is `<experiment>/<runId>`. */
type StoredJob = Omit<RunJob, 'runDir'>;

interface PlanFile {
  readonly version: 1;
  readonly kind: 'normfree-plan';
  readonly runs: readonly StoredJob[];
}

const storedJobSchema = z.looseObject({
  runId: z.string().regex(/^[\w.+-]+$/, 'a run id is a folder name (letters, digits, . + - _)'),
  configuration: z.string(),
  label: z.string(),
  seed: z.number().int().nonnegative(),
  preset: z.string(),
  tokenizer: z.string(),
  model: z.looseObject({ vocabSize: z.number().int().positive(), nLayer: z.number().int().positive() }),
  training: z.looseObject({ steps: z.number().int().positive() }),
  backend: z.string(),
  nativeKernels: z.boolean(),
  activationModules: z.array(z.string()),
});
const planFileSchema = z.object({ version: z.literal(1), kind: z.literal('normfree-plan'), runs: z.array(storedJobSchema).min(1) });

function stored(plan: ExperimentPlan): PlanFile {
  return { version: 1, kind: 'normfree-plan', runs: plan.runs.map(({ runDir: _runDir, ...job }) => job) };
}

/** The settings that make two plans train the same runs (the backend is how, not what). */
function identity(job: StoredJob): string {
  const { backend: _backend, nativeKernels: _native, nativeThreads: _threads, gpuAdapter: _adapter, allowSoftwareAdapter: _software, data, ...rest } = job as StoredJob & { nativeThreads?: unknown; gpuAdapter?: unknown; allowSoftwareAdapter?: unknown };
  // A moved store is the same data: it is known by its hashes.
  return sortedJson({ ...rest, data: data === undefined ? null : comparableRunData(data) });
}

/**
 * Write `<plan.outDir>/plan.json`, or check that the one there plans the same runs.
 * @throws ExperimentInputError when the folder holds another plan (a plan changed after runs started).
 */
export async function writePlanFile(plan: ExperimentPlan): Promise<void> {
  const existing = await readPlanFileIfPresent(plan.outDir);
  const wanted = stored(plan);
  if (existing !== undefined) {
    const before = existing.runs.map((job) => `${job.runId} ${identity(job)}`);
    const after = wanted.runs.map((job) => `${job.runId} ${identity(job)}`);
    const changed = after.filter((line, index) => line !== before[index]).map((line) => line.split(' ')[0]);
    if (before.length !== after.length || changed.length > 0) {
      throw new ExperimentInputError(
        `${join(plan.outDir, planFileName)} plans other runs than this command (${before.length !== after.length ? `${before.length} planned, ${after.length} asked for` : `settings differ for ${changed.join(', ')}`}); the plan of an experiment cannot change once it is written. Choose another --out.`,
      );
    }
  }
  await writeJsonAtomic(join(plan.outDir, planFileName), wanted);
}

async function readPlanFileIfPresent(dir: string): Promise<PlanFile | undefined> {
  return (await readJsonIfPresent(join(dir, planFileName), planFileSchema, 'a normfree plan')) as PlanFile | undefined;
}

/**
 * Read the plan of the experiment folder `dir` (as mounted here: run folders resolve under `dir`).
 * @throws ExperimentInputError when `dir` is not an experiment folder or has no plan (made by a
 *   version before plans were written: rerun `reproduce --resume` with its options to write one).
 */
export async function readPlan(dir: string): Promise<ExperimentPlan> {
  const manifest = await readManifest(dir);
  if (manifest === undefined) throw new ExperimentInputError(`'${dir}' holds no experiment.json; it is not a normfree experiment folder`);
  const file = await readPlanFileIfPresent(dir);
  if (file === undefined) {
    throw new ExperimentInputError(`'${dir}' holds no ${planFileName} (made before plans were written); rerun \`normfree reproduce --resume --plan-only --out ${dir}\` with its options to write one`);
  }
  return { outDir: dir, manifest, runs: file.runs.map((job) => ({ ...job, runDir: join(dir, job.runId) })) };
}
