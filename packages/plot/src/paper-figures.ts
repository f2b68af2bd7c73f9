/**
 * Every figure the runs have data for, as Vega-Lite specs with stable file names. The Node writer
 * and the report both go through this list.
 */
import type { TopLevelSpec } from 'vega-lite';
import { evalLossRows, evalLossSpec } from './eval-loss-chart.js';
import { headEntropyCells, headEntropyHeatmapSpec } from './head-entropy-heatmaps.js';
import { layerEntropyRows, layerEntropySpec } from './layer-entropy-chart.js';
import { hasNonZeroCounts, layerCountRows, layerCountsSpec } from './nan-counts-chart.js';
import { overloadBinsSpec } from './overload-bins-chart.js';
import { perplexityDeltaRows, perplexityDeltaSpec } from './perplexity-chart.js';
import type { PlotRun } from './plot-run.js';
import { slopeRows, slopesSpec } from './slopes-chart.js';

/** Figure ids, also the file names (`<id>.svg`, `<id>.png`). */
export type FigureId =
  | 'figure1-head-entropy'
  | 'figure2a-entropy-bins'
  | 'figure2b-eval-loss'
  | 'table2-perplexity'
  | 'figure3-slopes'
  | 'figure4-layer-entropy'
  | 'figure5-nan-counts'
  | 'fp16-overflow-counts';

export interface PlotFigure {
  readonly id: FigureId;
  /** A caption for reports. */
  readonly title: string;
  readonly spec: TopLevelSpec;
}

export interface PaperFiguresOptions {
  /** Only these figures (default: every figure the runs have data for). */
  readonly only?: readonly FigureId[];
  /** Draw NaN / fp16-overflow figures even when every count is zero (default false). */
  readonly includeZeroCounts?: boolean;
}

/**
 * The figures the runs have data for, in paper order: Figure 1 and 2a need a final head-entropy
 * matrix, 2b evaluations, Table 2 a baseline perplexity, 3 slopes, 4 layer-wise entropy, 5 NaN
 * counts above zero.
 */
export function paperFigures(runs: readonly PlotRun[], options: PaperFiguresOptions = {}): PlotFigure[] {
  const wanted = (id: FigureId) => options.only === undefined || options.only.includes(id);
  const figures: PlotFigure[] = [];
  const counts = (metric: 'nan' | 'fp16-overflow') =>
    options.includeZeroCounts === true ? layerCountRows(runs, { metric }).length > 0 : hasNonZeroCounts(runs, metric);
  if (headEntropyCells(runs).length > 0) {
    if (wanted('figure1-head-entropy')) {
      figures.push({
        id: 'figure1-head-entropy',
        title: 'Figure 1: head-wise attention entropy at the end of training',
        spec: headEntropyHeatmapSpec(runs),
      });
    }
    if (wanted('figure2a-entropy-bins')) {
      figures.push({
        id: 'figure2a-entropy-bins',
        title: 'Figure 2a: share of heads per entropy bin (entropic overload)',
        spec: overloadBinsSpec(runs),
      });
    }
  }
  if (wanted('figure2b-eval-loss') && evalLossRows(runs).length > 0) {
    figures.push({
      id: 'figure2b-eval-loss',
      title: 'Figure 2b: evaluation loss during training',
      spec: evalLossSpec(runs),
    });
  }
  if (wanted('table2-perplexity') && perplexityDeltaRows(runs).length > 1) {
    figures.push({
      id: 'table2-perplexity',
      title: "Table 2: eval perplexity change vs SM+LN+G (+Δ%), ours and the paper's",
      spec: perplexityDeltaSpec(runs),
    });
  }
  if (wanted('figure3-slopes') && slopeRows(runs).length > 0) {
    figures.push({
      id: 'figure3-slopes',
      title: 'Figure 3: learnable negative slopes during training',
      spec: slopesSpec(runs),
    });
  }
  if (wanted('figure4-layer-entropy') && layerEntropyRows(runs).length > 0) {
    figures.push({
      id: 'figure4-layer-entropy',
      title: 'Figure 4: layer-wise mean entropy during training',
      spec: layerEntropySpec(runs),
    });
  }
  if (wanted('figure5-nan-counts') && counts('nan')) {
    figures.push({
      id: 'figure5-nan-counts',
      title: 'Figure 5: NaN counts in attention per layer',
      spec: layerCountsSpec(runs, { metric: 'nan', nonZeroOnly: options.includeZeroCounts !== true }),
    });
  }
  if (wanted('fp16-overflow-counts') && counts('fp16-overflow')) {
    figures.push({
      id: 'fp16-overflow-counts',
      title: 'Attention logits beyond the fp16 range per layer',
      spec: layerCountsSpec(runs, { metric: 'fp16-overflow', nonZeroOnly: options.includeZeroCounts !== true }),
    });
  }
  return figures;
}
