/**
 * Did the paper's findings hold in our runs? Three orderings, each judged from the runs' numbers:
 * (1) LN-free ReLU beats LN-free GELU in perplexity, (2) LN-free GELU has more heads in the top
 * entropy bin than LN-free ReLU (entropic overload), (3) the LayerNorm baselines beat both LN-free
 * models.
 *
 * References:
 * 1. paper-reference §1 (claims 1 and 3), §8 (Table 2, the 8.2 % headline), §6.4–6.5 (bins).
 */
import { overloadBinsData } from './overload-bins-chart.js';
import { headlinePercent } from './paper-numbers.js';
import { finalHeadEntropyOf, type PlotRun } from './plot-run.js';
import { formatPerplexity, perplexityTable, type PerplexityTable } from './perplexity-table.js';

/** The verdict on one ordering. */
export type FindingStatus = 'held' | 'did not hold' | 'not tested';

export interface Finding {
  readonly status: FindingStatus;
  /** One sentence with the numbers behind the verdict, or what was missing. */
  readonly detail: string;
}

export interface PaperComparison {
  /** (1) PPL of SM+R < PPL of SM+G. */
  readonly reluBeatsGelu: Finding;
  /** (2) top-bin share of SM+G > that of SM+R. */
  readonly entropicOverload: Finding;
  /** (3) every LN baseline present beats every LN-free model present (paper's four only). */
  readonly baselinesBeatNormFree: Finding;
  /** Our 100·(PPL_SM+G − PPL_SM+R)/PPL_SM+G (the paper's 8.2 %), when both are present. */
  readonly headlinePercent: number | undefined;
  /** Our percentage of heads in [3Max/4, Max], by configuration id (pooled over seeds). */
  readonly topBinPercent: Readonly<Record<string, number>>;
  /** Max of the bin edges used for `topBinPercent`. */
  readonly binMax: number | undefined;
  readonly table: PerplexityTable;
}

/** Judge the three orderings on the runs (mean perplexity over seeds; heads pooled over seeds). */
export function comparePaper(runs: readonly PlotRun[]): PaperComparison {
  const table = perplexityTable(runs);
  const mean = (configuration: string) => {
    const row = table.rows.find((entry) => entry.configuration === configuration);
    return row !== undefined && Number.isFinite(row.mean) ? row : undefined;
  };
  const gelu = mean('sm-g');
  const relu = mean('sm-r');

  let reluBeatsGelu: Finding;
  if (gelu === undefined || relu === undefined) {
    reluBeatsGelu = {
      status: 'not tested',
      detail: `needs a finite eval perplexity for both SM+G and SM+R (missing: ${[gelu === undefined ? 'SM+G' : '', relu === undefined ? 'SM+R' : ''].filter(Boolean).join(', ')})`,
    };
  } else {
    const held = relu.mean < gelu.mean;
    // With several seeds, also count the seeds where the ordering held (seeds both configurations ran).
    const pairedSeeds = relu.seeds.filter((seed) => gelu.seeds.includes(seed));
    const heldSeeds = pairedSeeds.filter(
      (seed) => relu.perplexities[relu.seeds.indexOf(seed)]! < gelu.perplexities[gelu.seeds.indexOf(seed)]!,
    );
    const perSeed =
      pairedSeeds.length > 1 ? `; per seed: held for ${heldSeeds.length} of ${pairedSeeds.length} seeds` : '';
    reluBeatsGelu = {
      status: held ? 'held' : 'did not hold',
      detail: `PPL SM+R ${formatPerplexity(relu.mean)} ${held ? '<' : '≥'} SM+G ${formatPerplexity(gelu.mean)} (LN-free ReLU ${held ? 'better' : 'worse'} by ${Math.abs(headlinePercent(gelu.mean, relu.mean)).toFixed(1)} %${perSeed}; paper: 2.936 < 3.197, 8.2 %)`,
    };
  }

  const topBinPercent: Record<string, number> = {};
  let binMax: number | undefined;
  if (runs.some((run) => finalHeadEntropyOf(run) !== undefined)) {
    const bins = overloadBinsData(runs);
    binMax = bins.max;
    for (const row of bins.rows) if (row.binIndex === 3) topBinPercent[row.configuration] = row.percent;
  }
  const topGelu = topBinPercent['sm-g'];
  const topRelu = topBinPercent['sm-r'];
  let entropicOverload: Finding;
  if (topGelu === undefined || topRelu === undefined) {
    entropicOverload = { status: 'not tested', detail: 'needs final head-entropy matrices for both SM+G and SM+R' };
  } else {
    const held = topGelu > topRelu;
    entropicOverload = {
      status: held ? 'held' : 'did not hold',
      detail: `${topGelu.toFixed(1)} % of SM+G heads vs ${topRelu.toFixed(1)} % of SM+R heads in [3Max/4, Max] with Max = ${binMax!.toFixed(2)} nats (paper: 58 % vs 23 %)`,
    };
  }

  const baselines = ['sm-ln-g', 'sm-ln-r'].flatMap((id) => mean(id) ?? []);
  const normFree = ['sm-g', 'sm-r'].flatMap((id) => mean(id) ?? []);
  let baselinesBeatNormFree: Finding;
  if (baselines.length === 0 || normFree.length === 0) {
    baselinesBeatNormFree = {
      status: 'not tested',
      detail:
        'needs a finite eval perplexity for at least one LN baseline (SM+LN+G, SM+LN+R) and one LN-free model (SM+G, SM+R)',
    };
  } else {
    const worstBaseline = baselines.reduce((a, b) => (b.mean > a.mean ? b : a));
    const bestNormFree = normFree.reduce((a, b) => (b.mean < a.mean ? b : a));
    const held = worstBaseline.mean < bestNormFree.mean;
    const list = (rows: typeof baselines) => rows.map((row) => `${row.label} ${formatPerplexity(row.mean)}`).join(', ');
    const missing = 4 - baselines.length - normFree.length;
    baselinesBeatNormFree = {
      status: held ? 'held' : 'did not hold',
      detail: `LN baselines ${list(baselines)} vs LN-free ${list(normFree)}: the worst baseline (${worstBaseline.label}) is ${held ? 'better than' : 'not better than'} the best LN-free model (${bestNormFree.label})${missing > 0 ? ` (${missing} of the four configurations missing)` : ''}`,
    };
  }

  return {
    reluBeatsGelu,
    entropicOverload,
    baselinesBeatNormFree,
    headlinePercent: gelu === undefined || relu === undefined ? undefined : headlinePercent(gelu.mean, relu.mean),
    topBinPercent,
    binMax,
    table,
  };
}
