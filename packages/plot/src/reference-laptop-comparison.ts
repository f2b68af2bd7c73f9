/**
 * Our `laptop` runs beside the authors' PyTorch code trained on the same windows
 * (reference-laptop.ts): per configuration, every seed on both sides, mean and min–max range, and
 * where each of our runs falls against the reference's range.
 *
 * Seeds on the two sides share nothing but their numbers (init, batch order and dropout masks come
 * from different generators), so the comparison is between two samples of each configuration's
 * outcome, never seed against seed. The spread is the min–max range: with one or two seeds per side
 * a standard deviation would say nothing the range does not.
 *
 * References:
 * 1. reference-laptop.ts (the repository's fixtures/reference-laptop/results.json and its README.md).
 */
import { experimentConfigurations } from '@normfree/core';
import { finalPerplexityOf } from './perplexity-table.js';
import { configurationRank, finalEvalOf, type PlotRun } from './plot-run.js';
import { referenceLaptop } from './reference-laptop.js';

/**
 * Override keys (the experiment's `overrides` in experiment.json) that change neither the model, the
 * data, the steps trained nor the final evaluation: only when the log is written. Any other key, and
 * any key this list does not know, keeps a run away from the reference (fail closed).
 */
export const overridesKeepingReferenceLaptop: readonly string[] = ['evalEvery', 'entropyEvery', 'checkpointEvery'];

/** Seeds and final perplexities of one side for one configuration. */
export interface SeedSample {
  readonly seeds: readonly number[];
  /** Final validation perplexities, in seed order. */
  readonly perplexities: readonly number[];
  /** Mean over seeds; NaN for no seed. */
  readonly mean: number;
  /** Smallest and largest perplexity; NaN for no seed. */
  readonly min: number;
  readonly max: number;
}

/** One of our runs against the reference's [min, max] range. */
export interface RunAgainstReference {
  readonly seed: number;
  readonly perplexity: number;
  readonly position: 'inside' | 'below' | 'above';
  /** How far outside, in percent of the nearer end: 100·(PPL − max)/max above, 100·(min − PPL)/min below; 0 inside. */
  readonly percentOutside: number;
}

/** One configuration of the reference, with both samples. */
export interface ReferenceLaptopRow {
  readonly configuration: string;
  readonly label: string;
  /** Core's description of the configuration, e.g. `LayerNorm-free, GELU`. */
  readonly description: string | undefined;
  readonly reference: SeedSample;
  readonly ours: SeedSample;
  readonly runs: readonly RunAgainstReference[];
}

/** One of our runs of a reference configuration that cannot be compared, and why. */
export interface LeftOutRun {
  readonly label: string;
  readonly seed: number;
  readonly reason: string;
}

export interface ReferenceLaptopComparison {
  /** The reference's configurations, in paper order. */
  readonly rows: readonly ReferenceLaptopRow[];
  /** Our runs of those configurations that did not finish the reference's steps on all its validation windows. */
  readonly leftOut: readonly LeftOutRun[];
}

/**
 * Why an experiment may not be compared with the reference, or undefined when it may: its preset
 * must be `laptop` and its overrides only those in {@link overridesKeepingReferenceLaptop}. Without a
 * manifest the overrides are unknown, so the answer is no.
 * @param manifest - the experiment's manifest (core's `ExperimentManifest` fits; experiment.json
 *   adds the `overrides` object, absent meaning none).
 */
export function referenceLaptopMismatch(
  manifest:
    | {
        readonly preset: string;
        readonly corpus?: string;
        readonly overrides?: Readonly<Record<string, unknown>>;
        readonly data?: unknown;
      }
    | undefined,
): string | undefined {
  if (manifest === undefined)
    return 'no experiment manifest was given, so whether overrides changed the preset is unknown';
  if (manifest.preset !== 'laptop') return `the experiment's preset is \`${manifest.preset}\`, not \`laptop\``;
  // The reference trained on the embedded corpus with its split and tokenizer; a token store is other data.
  if (manifest.data !== undefined)
    return `the experiment trained on another corpus (${manifest.corpus ?? 'a token store'}), not the embedded one the reference used`;
  const changed = Object.entries(manifest.overrides ?? {})
    .filter(([key, value]) => value !== undefined && !overridesKeepingReferenceLaptop.includes(key))
    .map(([key]) => `\`${key}\``);
  if (changed.length > 0) return `the experiment overrides ${changed.join(', ')}, which the reference runs did not`;
  return undefined;
}

function sample(entries: readonly { seed: number; perplexity: number }[]): SeedSample {
  const sorted = [...entries].sort((a, b) => a.seed - b.seed);
  const perplexities = sorted.map((entry) => entry.perplexity);
  const empty = perplexities.length === 0;
  return {
    seeds: sorted.map((entry) => entry.seed),
    perplexities,
    mean: empty ? Number.NaN : perplexities.reduce((sum, value) => sum + value, 0) / perplexities.length,
    min: empty ? Number.NaN : Math.min(...perplexities),
    max: empty ? Number.NaN : Math.max(...perplexities),
  };
}

function against(range: SeedSample, seed: number, perplexity: number): RunAgainstReference {
  if (perplexity > range.max)
    return { seed, perplexity, position: 'above', percentOutside: (100 * (perplexity - range.max)) / range.max };
  if (perplexity < range.min)
    return { seed, perplexity, position: 'below', percentOutside: (100 * (range.min - perplexity)) / range.min };
  return { seed, perplexity, position: 'inside', percentOutside: 0 };
}

/**
 * Compare runs with the reference. A run counts when it was not diverged and its final evaluation
 * is at the reference's last step over all the reference's validation windows (the window count is
 * the data's fingerprint the logs carry: another split, tokenizer or T gives another count); other
 * runs of the reference's configurations are listed in `leftOut` with the reason. Configurations the
 * reference does not have are ignored.
 */
export function compareWithReferenceLaptop(runs: readonly PlotRun[]): ReferenceLaptopComparison {
  const { steps } = referenceLaptop.training;
  const windows = referenceLaptop.data.validationWindows;
  const configurations = [...new Set(referenceLaptop.runs.map((run) => run.configuration))].sort(
    (a, b) => configurationRank(a) - configurationRank(b),
  );
  const leftOut: LeftOutRun[] = [];
  const rows = configurations.map((configuration): ReferenceLaptopRow => {
    const referenceRuns = referenceLaptop.runs.filter((run) => run.configuration === configuration);
    const reference = sample(referenceRuns);
    const counted: { seed: number; perplexity: number }[] = [];
    for (const run of runs.filter((entry) => entry.configuration === configuration).sort((a, b) => a.seed - b.seed)) {
      const evaluation = finalEvalOf(run);
      const perplexity = finalPerplexityOf(run);
      let reason: string | undefined;
      if (run.status === 'diverged' || run.diverged !== undefined) reason = 'diverged';
      else if (evaluation === undefined || !Number.isFinite(perplexity)) reason = 'no finite final evaluation';
      else if (evaluation.step !== steps || evaluation.windows !== windows) {
        const count = (value: number) => value.toLocaleString('en-US');
        reason = `final evaluation at step ${count(evaluation.step)} over ${count(evaluation.windows)} windows; the reference's is at step ${count(steps)} over ${count(windows)}`;
      }
      if (reason === undefined) counted.push({ seed: run.seed, perplexity });
      else leftOut.push({ label: run.label, seed: run.seed, reason });
    }
    return {
      configuration,
      label: referenceRuns[0]!.label,
      description: experimentConfigurations.find((entry) => entry.id === configuration)?.description,
      reference,
      ours: sample(counted),
      runs: counted.map((entry) => against(reference, entry.seed, entry.perplexity)),
    };
  });
  return { rows, leftOut };
}
