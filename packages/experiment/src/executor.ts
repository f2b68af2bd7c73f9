/**
 * The seam between the experiment runner and the training packages: an executor trains one run and
 * resolves to its summary. `@normfree/experiment/node` has two: in this process
 * (`createInProcessExecutor`) and one child process per run (`createForkExecutor`); tests pass fakes
 * (`@normfree/experiment/testing`).
 */
import type { RunSummary } from '@normfree/core';
import type { RunJob } from './plan.js';
import type { RunProgress } from './progress.js';

export interface RunExecutionContext {
  /** Continue from the run folder's checkpoint instead of starting fresh. */
  readonly resume: boolean;
  /** Called as training advances (every step is fine; displays throttle). */
  readonly onProgress: (progress: RunProgress) => void;
  /** Aborted on Ctrl-C: the run stops after the current step, writes a checkpoint, status `stopped`. */
  readonly signal?: AbortSignal;
  /** Called once training starts, with the step it starts from (0, or the checkpoint's step). */
  readonly onStart?: (startStep: number) => void;
}

/**
 * Train one run into `job.runDir` and return its summary (status `completed`, `diverged`, or
 * `stopped` when the signal fired). Throws when the run could not be trained at all (the experiment
 * records it as failed and goes on).
 */
export type RunExecutor = (job: RunJob, context: RunExecutionContext) => Promise<RunSummary>;
