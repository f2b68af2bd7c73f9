/**
 * Progress events of an experiment: what {@link runExperiment} reports while it trains. The runner
 * only emits them; showing them (terminal bars, plain log lines, a browser widget) is the caller's.
 */

/** Where one run stands. */
export interface RunProgress {
  /** Optimizer steps completed. */
  readonly step: number;
  readonly steps: number;
  /** Latest training loss. */
  readonly loss?: number;
  /** Latest evaluation loss. */
  readonly evalLoss?: number;
}

/** Receives the events of an experiment's runs (several runs may be in flight at once). */
export interface ExperimentProgress {
  /** A run starts (or resumes at `startStep`). */
  start(runId: string, options: { steps: number; startStep: number }): void;
  update(runId: string, progress: RunProgress): void;
  /** A run ends; `message` is e.g. `completed after 300 steps, eval loss 5.1234` or `diverged at step 40`. */
  finish(runId: string, message: string): void;
  /** A line of text (a skipped run, a note). */
  log(line: string): void;
  /** The experiment is over: flush and release the display. */
  stop(): void;
}

/** Shows nothing (tests, library use). */
export const silentProgress: ExperimentProgress = { start() {}, update() {}, finish() {}, log() {}, stop() {} };
