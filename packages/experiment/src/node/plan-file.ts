/**
 * `plan.json`: every run of an experiment as the plan resolved it (configuration, seed, complete
 * model and training settings, plug-in modules: its {@link RunSpec}), and the plan's execution target
 * (backend, native kernels, GPU adapter), written next to `experiment.json` before anything is
 * trained. It is what lets one run be trained on its own, by `normfree run <exp> --index i` on any
 * machine that sees the folder (a cluster job array), with exactly the settings every other run got.
 *
 * Run folders are stored by name, not by absolute path, so the experiment folder can be mounted at
 * another path on another machine (NFS, a Kubernetes volume).
 *
 * Versions: 2 (this one) stores the target once, apart from the runs; 1 (normfree before the run /
 * target split) repeated the target's fields in every run. Both are read; version 2 is written, so
 * the first `reproduce --resume` of an old folder rewrites its plan in the new layout.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { nodeBackendNames, type BackendName } from '@normfree/backend';
import { writeJsonAtomic } from '@normfree/core/node';
import { comparableRunData } from '@normfree/trainer';
import { ExperimentInputError, errorMessage } from '../errors.js';
import { createExecutionTarget, type ExecutionTarget, type ExecutionTargetOptions } from '../execution-target.js';
import type { ExperimentPlan, RunSpec } from '../plan.js';
import { readJsonIfPresent, readManifest, sortedJson } from './experiment-folder.js';

export const planFileName = 'plan.json';

/** The plan file's layout version that this normfree writes. */
export const planFileVersion = 2;

interface PlanFile {
  readonly version: typeof planFileVersion;
  readonly kind: 'normfree-plan';
  readonly target: ExecutionTarget;
  /** A run's folder is `<experiment>/<runId>`. */
  readonly runs: readonly RunSpec[];
}

const storedSpecShape = {
  runId: z.string().regex(/^[\w.+-]+$/, 'a run id is a folder name (letters, digits, . + - _)'),
  configuration: z.string(),
  label: z.string(),
  seed: z.number().int().nonnegative(),
  preset: z.string(),
  tokenizer: z.string(),
  model: z.looseObject({ vocabSize: z.number().int().positive(), nLayer: z.number().int().positive() }),
  training: z.looseObject({ steps: z.number().int().positive() }),
  activationModules: z.array(z.string()),
};
const backendSchema = z.custom<BackendName>((value) => nodeBackendNames.includes(value as BackendName), {
  message: `a backend is one of ${nodeBackendNames.join(', ')}`,
});
const targetShape = {
  backend: backendSchema,
  nativeKernels: z.boolean(),
  nativeThreads: z.number().int().positive().optional(),
  gpuAdapter: z.string().optional(),
  allowSoftwareAdapter: z.boolean().optional(),
};
const planFileSchemas = {
  1: z.object({
    version: z.literal(1),
    kind: z.literal('normfree-plan'),
    runs: z.array(z.looseObject({ ...storedSpecShape, ...targetShape })).min(1),
  }),
  2: z.object({
    version: z.literal(2),
    kind: z.literal('normfree-plan'),
    target: z.object(targetShape),
    runs: z.array(z.looseObject(storedSpecShape)).min(1),
  }),
};
const planFileSchema = z.discriminatedUnion('version', [planFileSchemas[1], planFileSchemas[2]], {
  error: () =>
    `a plan file's version is 1 or ${planFileVersion} ` +
    '(a newer normfree may have written this one; use it, or plan again with --out elsewhere)',
});

function stored(plan: ExperimentPlan): PlanFile {
  const runs = plan.runs.map(({ runDir: _runDir, ...spec }) => spec);
  return { version: planFileVersion, kind: 'normfree-plan', target: plan.target, runs };
}

/** A version-1 plan in the current layout: its runs' repeated target fields become the one target. */
function fromVersion1(path: string, file: z.infer<(typeof planFileSchemas)[1]>): PlanFile {
  // Version 1 did not refuse adapter settings on another backend; they never took effect there.
  const targets = file.runs.map(({ backend, nativeKernels, nativeThreads, gpuAdapter, allowSoftwareAdapter }) =>
    backend === 'webgpu'
      ? checkedTarget(path, { backend, nativeKernels, nativeThreads, gpuAdapter, allowSoftwareAdapter })
      : checkedTarget(path, { backend, nativeKernels, nativeThreads }),
  );
  const target = targets[0]!;
  const other = targets.findIndex((candidate) => sortedJson(candidate) !== sortedJson(target));
  if (other !== -1) {
    const [first, differing] = [file.runs[0]!.runId, file.runs[other]!.runId];
    throw new ExperimentInputError(
      `${path} (version 1) trains run ${differing} on another backend setting than run ${first}; an experiment has one`,
    );
  }
  const runs = file.runs.map((run) => {
    const { backend: _backend, nativeKernels: _native, nativeThreads: _threads, ...rest } = run;
    const { gpuAdapter: _adapter, allowSoftwareAdapter: _software, ...spec } = rest;
    return spec as unknown as RunSpec;
  });
  return { version: planFileVersion, kind: 'normfree-plan', target, runs };
}

/** The file's target, checked like a planned one; a bad one names the file. */
function checkedTarget(path: string, options: ExecutionTargetOptions): ExecutionTarget {
  try {
    return createExecutionTarget(options);
  } catch (error) {
    throw new ExperimentInputError(`${path}: ${errorMessage(error)}`);
  }
}

/** The settings that make two plans train the same runs: the spec (the target is how, not what). */
function identity(spec: RunSpec): string {
  const { data, ...rest } = spec;
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
  const path = join(dir, planFileName);
  const file = await readJsonIfPresent(path, planFileSchema, 'a normfree plan');
  if (file === undefined) return undefined;
  if (file.version === 1) return fromVersion1(path, file);
  return { ...(file as unknown as PlanFile), target: checkedTarget(path, file.target) };
}

/**
 * Read the plan of the experiment folder `dir` (as mounted here: run folders resolve under `dir`).
 * @throws ExperimentInputError when `dir` is not an experiment folder or has no plan (made by a
 *   version before plans were written: rerun `reproduce --resume` with its options to write one).
 */
export async function readPlan(dir: string): Promise<ExperimentPlan> {
  const manifest = await readManifest(dir);
  if (manifest === undefined)
    throw new ExperimentInputError(`'${dir}' holds no experiment.json; it is not a normfree experiment folder`);
  const file = await readPlanFileIfPresent(dir);
  if (file === undefined) {
    throw new ExperimentInputError(
      `'${dir}' holds no ${planFileName} (made before plans were written); rerun \`normfree reproduce --resume --plan-only --out ${dir}\` with its options to write one`,
    );
  }
  const runs = file.runs.map((spec) => ({ ...spec, runDir: join(dir, spec.runId) }));
  return { outDir: dir, manifest, target: file.target, runs };
}
