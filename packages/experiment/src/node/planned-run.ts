/**
 * One planned run on its own, and the state of every run: what a cluster job array needs. Each
 * array task calls {@link runPlannedRun} with its index (SLURM's `SLURM_ARRAY_TASK_ID`, Kubernetes'
 * `JOB_COMPLETION_INDEX`); the tasks share the experiment folder, each writes only its run folder,
 * and the run lock keeps two tasks from training one run. {@link experimentStatus} reads what they
 * left behind.
 */
import { readFile } from 'node:fs/promises';
import { formatSchemaError, type RunSummary } from '@normfree/core';
import { z } from 'zod';
import { ExperimentInputError, errorMessage } from '../errors.js';
import type { RunExecutor } from '../executor.js';
import { retarget, type ExecutionTargetChange } from '../execution-target.js';
import { runJob, type ExperimentPlan, type PlannedRun, type RunJob } from '../plan.js';
import type { ExperimentProgress } from '../progress.js';
import { readRunState } from './experiment-folder.js';
import { readPlan } from './plan-file.js';
import { readRunLock, runLockPath, type RunLockOptions } from './run-lock.js';
import { failureMarkPath, trainPlannedJob, type RunOutcome } from './run-experiment.js';

/** Environment variables that carry a job array task's index, in the order they are read. */
export const arrayIndexVariables = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX'] as const;

export interface RunSelector {
  /** 0-based index into the plan's runs. */
  readonly index?: number;
  /** A run id (`<configuration>-seed<seed>`). */
  readonly runId?: string;
  /** Where an index is read from when neither is given (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The planned run a selector names (train it with `runJob(run, plan.target)`).
 * @throws ExperimentInputError for an index outside the plan, an unknown run id, or no selector at all.
 */
export function selectPlannedJob(plan: ExperimentPlan, selector: RunSelector): PlannedRun {
  const count = plan.runs.length;
  if (selector.runId !== undefined) {
    const job = plan.runs.find((run) => run.runId === selector.runId);
    if (job === undefined)
      throw new ExperimentInputError(
        `run '${selector.runId}' is not in the plan of ${plan.outDir}; planned: ${plan.runs.map((run) => run.runId).join(', ')}`,
      );
    return job;
  }
  let index = selector.index;
  let source = '--index';
  if (index === undefined) {
    const env = selector.env ?? process.env;
    const variable = arrayIndexVariables.find((name) => env[name] !== undefined && env[name] !== '');
    if (variable === undefined)
      throw new ExperimentInputError(
        `which run? give --index <0…${count - 1}> or --run <id>, or set ${arrayIndexVariables.join(' or ')} (a job array does)`,
      );
    const text = env[variable]!;
    index = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    source = `${variable}=${text}`;
  }
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new ExperimentInputError(
      `${source} is outside the plan of ${plan.outDir}: it has ${count} run${count === 1 ? '' : 's'}, indices 0…${count - 1}`,
    );
  }
  return plan.runs[index]!;
}

export interface RunPlannedRunOptions extends RunSelector {
  readonly executor: RunExecutor;
  readonly progress?: ExperimentProgress;
  readonly signal?: AbortSignal;
  readonly lock?: RunLockOptions;
  /**
   * Train on another backend or adapter than the plan's (how a run is trained, not what: allowed);
   * applied with `retarget`.
   */
  readonly target?: ExecutionTargetChange;
}

/** Train exactly one planned run of the experiment folder `dir` (see the module comment). */
export async function runPlannedRun(
  dir: string,
  options: RunPlannedRunOptions,
): Promise<RunOutcome & { readonly job: RunJob }> {
  const plan = await readPlan(dir);
  const planned = selectPlannedJob(plan, options);
  const job = runJob(planned, options.target === undefined ? plan.target : retarget(plan.target, options.target));
  return { ...(await trainPlannedJob(dir, job, options)), job };
}

export type PlannedRunState =
  | 'planned' // nothing written yet
  | 'running' // a live job holds its lock
  | 'interrupted' // started, not finished, nobody on it: resumes from its checkpoint
  | 'failed' // the last attempt threw, nobody on it
  | 'completed'
  | 'diverged';

export interface PlannedRunStatus {
  readonly index: number;
  readonly runId: string;
  readonly label: string;
  readonly state: PlannedRunState;
  readonly summary?: RunSummary;
  /** For `running`: who. For `failed`: the error. */
  readonly detail?: string;
}

/** A failure mark's content (`run-experiment.ts` writes it); only `error` is read. */
const failureMarkSchema = z.looseObject({ error: z.string().optional() });

/**
 * Why the last attempt at a run failed: the mark's `error`, or `failed` without one; undefined when
 * there is no mark. A damaged mark still says the run failed, and names the file and what is wrong.
 */
async function readFailureMark(path: string): Promise<string | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `failed (${path}: not valid JSON (${errorMessage(error)}))`;
  }
  const parsed = failureMarkSchema.safeParse(json);
  if (!parsed.success) return `failed (${formatSchemaError(parsed.error, json, path)})`;
  return parsed.data.error ?? 'failed';
}

/** The state of every planned run of the experiment folder `dir`, in plan order. */
export async function experimentStatus(dir: string, options: RunLockOptions = {}): Promise<PlannedRunStatus[]> {
  const plan = await readPlan(dir);
  return Promise.all(
    plan.runs.map(async (job, index): Promise<PlannedRunStatus> => {
      const base = { index, runId: job.runId, label: job.label };
      const state = await readRunState(job.runDir);
      if (state.kind === 'finished')
        return {
          ...base,
          state: state.summary.status === 'diverged' ? 'diverged' : 'completed',
          summary: state.summary,
        };
      const lock = await readRunLock(runLockPath(dir, job.runId), options);
      if (lock !== undefined && !lock.stale) {
        return {
          ...base,
          state: 'running',
          detail:
            lock.owner === undefined
              ? 'lock held'
              : `${lock.owner.host} pid ${lock.owner.pid} since ${lock.owner.startedAt}`,
        };
      }
      const failure = await readFailureMark(failureMarkPath(dir, job.runId));
      if (failure !== undefined) return { ...base, state: 'failed', detail: failure };
      return {
        ...base,
        state: state.kind === 'new' ? 'planned' : 'interrupted',
        ...(state.kind === 'unfinished' && state.summary !== undefined ? { summary: state.summary } : {}),
      };
    }),
  );
}
