/**
 * Run every run of an experiment plan: skip finished ones, resume interrupted ones, train the rest,
 * at most `workers` at a time. One failing or diverging run never stops the others.
 */
import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '@normfree/core';
import { writeJsonAtomic } from '@normfree/core/node';
import { errorMessage } from '../errors.js';
import type { RunExecutor } from '../executor.js';
import { runJob, type ExperimentPlan, type RunJob } from '../plan.js';
import { silentProgress, type ExperimentProgress } from '../progress.js';
import { prepareExperimentDirectory, readRunState } from './experiment-folder.js';
import { writePlanFile } from './plan-file.js';
import { acquireRunLock, locksFolderName, type RunLockOptions } from './run-lock.js';
import { definedFields } from '@normfree/core';

export type RunOutcome =
  | { readonly runId: string; readonly kind: 'trained' | 'skipped'; readonly summary: RunSummary }
  | { readonly runId: string; readonly kind: 'failed'; readonly error: string }
  | { readonly runId: string; readonly kind: 'not-started' };

export interface RunExperimentOptions {
  readonly executor: RunExecutor;
  /** Runs trained at the same time (each executor call is one run). */
  readonly workers?: number;
  /** Continue an experiment already in `plan.outDir`. */
  readonly resume?: boolean;
  readonly progress?: ExperimentProgress;
  /** Stop: running runs checkpoint and end as `stopped`, queued runs are not started. */
  readonly signal?: AbortSignal;
}

export interface ExperimentResult {
  readonly directory: 'new' | 'resumed';
  /** True when the signal stopped the experiment before every run finished. */
  readonly interrupted: boolean;
  /** One outcome per run, in the plan's order. */
  readonly outcomes: readonly RunOutcome[];
}

/** One line about how a run ended, e.g. `completed after 300 steps, eval loss 5.1234 (ppl 168.01)`. */
export function describeSummary(summary: RunSummary): string {
  if (summary.status === 'stopped')
    return `stopped at step ${summary.stepsCompleted} (checkpoint saved; continue with --resume)`;
  if (summary.status === 'diverged')
    return `diverged at step ${summary.diverged?.step ?? summary.stepsCompleted}${summary.diverged === undefined ? '' : ` (${summary.diverged.reason})`}`;
  const evalLoss =
    summary.finalEval === undefined
      ? ''
      : `, eval loss ${summary.finalEval.loss.toFixed(4)} (ppl ${summary.finalEval.perplexity.toFixed(2)})`;
  return `${summary.status} after ${summary.stepsCompleted} steps${evalLoss}`;
}

/**
 * Run a plan (see the module comment).
 * @throws ExperimentInputError only for a folder that may not be used; failing runs are outcomes.
 */
export async function runExperiment(plan: ExperimentPlan, options: RunExperimentOptions): Promise<ExperimentResult> {
  const progress = options.progress ?? silentProgress;
  const workers = Math.max(1, options.workers ?? 1);
  const directory = await prepareExperiment(plan, { resume: options.resume === true });
  const outcomes = new Map<string, RunOutcome>();
  const queue: RunJob[] = [];
  for (const run of plan.runs) {
    const state = await readRunState(run.runDir);
    if (state.kind === 'finished') {
      outcomes.set(run.runId, { runId: run.runId, kind: 'skipped', summary: state.summary });
      progress.log(`${run.runId}: already ${describeSummary(state.summary)}; skipped`);
    } else {
      queue.push(runJob(run, plan.target));
    }
  }

  // A fixed pool of `workers` loops, each taking the next queued run.
  let next = 0;
  const loops = Array.from({ length: Math.min(workers, queue.length) }, async () => {
    while (next < queue.length && options.signal?.aborted !== true) {
      const job = queue[next++]!;
      outcomes.set(job.runId, await trainPlannedJob(plan.outDir, job, { ...options, progress }));
    }
  });
  try {
    await Promise.all(loops);
  } finally {
    progress.stop();
  }
  return {
    directory,
    interrupted: options.signal?.aborted === true,
    outcomes: plan.runs.map((run) => outcomes.get(run.runId) ?? { runId: run.runId, kind: 'not-started' as const }),
  };
}

/**
 * Make `plan.outDir` hold this experiment: `experiment.json` (see `prepareExperimentDirectory`) and
 * `plan.json` (every run's settings, for `normfree run <exp> --index i`). Nothing is trained.
 * @throws ExperimentInputError when the folder holds another experiment or another plan.
 */
export async function prepareExperiment(
  plan: ExperimentPlan,
  options: { resume: boolean },
): Promise<'new' | 'resumed'> {
  const directory = await prepareExperimentDirectory(plan, options);
  await writePlanFile(plan);
  return directory;
}

/** `<experiment>/locks/<runId>.failed.json`: why the last attempt at a run threw (cleared by the next). */
export function failureMarkPath(experimentDir: string, runId: string): string {
  return join(experimentDir, locksFolderName, `${runId}.failed.json`);
}

export interface TrainPlannedJobOptions {
  readonly executor: RunExecutor;
  readonly progress?: ExperimentProgress;
  readonly signal?: AbortSignal;
  readonly lock?: RunLockOptions;
}

/**
 * Train one planned run under its lock: skipped when it is already finished, resumed from its
 * checkpoint when it was interrupted, refused (a `failed` outcome naming the owner) while another
 * live job holds its lock. A run that throws leaves a failure mark that `experimentStatus` reports.
 */
export async function trainPlannedJob(
  experimentDir: string,
  job: RunJob,
  options: TrainPlannedJobOptions,
): Promise<RunOutcome> {
  const progress = options.progress ?? silentProgress;
  let lock;
  try {
    lock = await acquireRunLock(experimentDir, job.runId, options.lock);
  } catch (error) {
    progress.log(`${job.runId}: not trained: ${errorMessage(error)}`);
    return { runId: job.runId, kind: 'failed', error: errorMessage(error) };
  }
  let started = false;
  const start = (startStep: number): void => {
    if (started) return;
    started = true;
    progress.start(job.runId, { steps: job.training.steps, startStep });
  };
  try {
    const state = await readRunState(job.runDir);
    if (state.kind === 'finished') {
      progress.log(`${job.runId}: already ${describeSummary(state.summary)}; skipped`);
      return { runId: job.runId, kind: 'skipped', summary: state.summary };
    }
    await rm(failureMarkPath(experimentDir, job.runId), { force: true });
    const summary = await options.executor(job, {
      resume: state.kind === 'unfinished',
      ...definedFields({ signal: options.signal }),
      onStart: start,
      onProgress: (update) => {
        start(0);
        progress.update(job.runId, update);
      },
    });
    start(summary.stepsCompleted);
    progress.finish(job.runId, describeSummary(summary));
    return { runId: job.runId, kind: 'trained', summary };
  } catch (error) {
    start(0);
    progress.finish(job.runId, `FAILED: ${errorMessage(error)}`);
    await writeJsonAtomic(failureMarkPath(experimentDir, job.runId), {
      runId: job.runId,
      error: errorMessage(error),
      host: hostname(),
      pid: process.pid,
      at: new Date().toISOString(),
    }).catch(() => undefined);
    return { runId: job.runId, kind: 'failed', error: errorMessage(error) };
  } finally {
    await lock.release();
  }
}
