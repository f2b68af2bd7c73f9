/**
 * `PlotRun`: the one input every figure, table and report of this package takes. It is a lighter
 * view of core's `RunData` (no model config, no summary required), so logs that never had a
 * summary, such as the text logs of the authors' PyTorch code, can be drawn too.
 *
 * References:
 * 1. packages/core/src/logs.ts: RunData, EvalLog, EntropyLog, SlopeLog.
 * 2. paper-reference §6.2 (entropy log cadence), §7 (NaN counts), §4 (slope logs).
 */
import {
  experimentConfigurations,
  paperConfigurationIds,
  type DivergedLog,
  type EvalLog,
  type RunData,
  type RunStatus,
  type SlopeLog,
  type StepLog,
  definedFields,
} from '@normfree/core';

/**
 * One entropy / NaN record. Core's `EntropyLog` is assignable to it; every field but `step` is
 * optional because the authors' logs have per-layer means and NaN counts but no per-head values.
 */
export interface PlotEntropyLog {
  readonly step: number;
  /** [layer][head] entropy in nats. */
  readonly perHead?: readonly (readonly number[])[];
  /** Mean entropy over heads, per layer (nats). */
  readonly perLayer?: readonly number[];
  /** NaN elements of each layer's attention probabilities, mean over heads. */
  readonly nanCounts?: readonly number[];
  /** Attention logits beyond the fp16 range, per layer, mean over heads. */
  readonly fp16Overflows?: readonly number[];
}

/** Run status as plot sees it: core's statuses, or `unknown` for logs without a summary. */
export type PlotRunStatus = RunStatus | 'unknown';

/** One run (one configuration, one seed), ready to plot. */
export interface PlotRun {
  /** Paper label, e.g. `SM+G`; legends and tables show it. */
  readonly label: string;
  /** Configuration id, e.g. `sm-g`; colours, markers and the table's baseline key on it. */
  readonly configuration: string;
  readonly seed: number;
  readonly status: PlotRunStatus;
  /** Training step logs (may be empty). */
  readonly steps: readonly StepLog[];
  /** Evaluation logs over training, in step order. */
  readonly evals: readonly EvalLog[];
  /** Entropy / NaN logs over training, in step order. */
  readonly entropy: readonly PlotEntropyLog[];
  /** Learnable-slope logs over training, in step order. */
  readonly slopes: readonly SlopeLog[];
  /** The final evaluation; when absent, the last of `evals` is used. */
  readonly finalEval?: EvalLog;
  /** Head entropy at the end of training; when absent, the last entropy log with `perHead`. */
  readonly finalEntropy?: PlotEntropyLog;
  readonly diverged?: DivergedLog;
}

/**
 * Adapt core's `RunData` (a run directory read by the CLI) to a `PlotRun`.
 * @param run - summary plus grouped logs.
 * @returns a `PlotRun` sharing the log arrays (nothing is copied).
 */
export function plotRunFromRunData(run: RunData): PlotRun {
  const { summary } = run;
  return {
    label: summary.label,
    configuration: summary.configuration,
    seed: summary.seed,
    status: summary.status,
    steps: run.steps,
    evals: run.evals,
    entropy: run.entropy,
    slopes: run.slopes,
    ...definedFields({ finalEval: summary.finalEval, finalEntropy: summary.finalEntropy, diverged: summary.diverged }),
  };
}

/** The evaluation a run is judged by: `finalEval`, else its last evaluation log. */
export function finalEvalOf(run: PlotRun): EvalLog | undefined {
  return run.finalEval ?? run.evals.at(-1);
}

/** The [layer][head] entropy matrix at the end of training: `finalEntropy`, else the last logged one. */
export function finalHeadEntropyOf(run: PlotRun): readonly (readonly number[])[] | undefined {
  if (run.finalEntropy?.perHead !== undefined && run.finalEntropy.perHead.length > 0) return run.finalEntropy.perHead;
  for (let index = run.entropy.length - 1; index >= 0; index--) {
    const perHead = run.entropy[index]?.perHead;
    if (perHead !== undefined && perHead.length > 0) return perHead;
  }
  return undefined;
}

/**
 * Paper order: the four configurations of Table 2 first, then core's other configurations in their
 * declared order, then unknown ids alphabetically; ties by seed.
 */
export function sortRuns(runs: readonly PlotRun[]): PlotRun[] {
  return [...runs].sort(
    (a, b) =>
      configurationRank(a.configuration) - configurationRank(b.configuration) ||
      a.configuration.localeCompare(b.configuration) ||
      a.seed - b.seed,
  );
}

/** Position of a configuration id in paper order (unknown ids after all known ones). */
export function configurationRank(configuration: string): number {
  const paper = (paperConfigurationIds as readonly string[]).indexOf(configuration);
  if (paper >= 0) return paper;
  const known = experimentConfigurations.findIndex((entry) => entry.id === configuration);
  return known >= 0 ? paperConfigurationIds.length + known : Number.MAX_SAFE_INTEGER;
}

/** Distinct configurations of a list of runs, in paper order: `{ configuration, label }`. */
export function configurationsOf(runs: readonly PlotRun[]): { configuration: string; label: string }[] {
  const seen = new Map<string, string>();
  for (const run of sortRuns(runs)) if (!seen.has(run.configuration)) seen.set(run.configuration, run.label);
  return [...seen].map(([configuration, label]) => ({ configuration, label }));
}

/**
 * A panel title for a run: its label, plus the seed when the list holds several seeds of it.
 * @param runs - all runs being drawn (decides whether the seed is needed).
 */
export function runTitle(run: PlotRun, runs: readonly PlotRun[]): string {
  const seeds = runs.filter((other) => other.configuration === run.configuration).length;
  return seeds > 1 ? `${run.label} (seed ${run.seed})` : run.label;
}
