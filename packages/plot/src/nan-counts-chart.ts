/**
 * Figure 5 (NaN panels): NaN elements of each layer's attention probabilities over training, and
 * the same for attention logits beyond the fp16 range when the trainer emulated fp16 overflow.
 *
 * References:
 * 1. paper-reference §10.6: the authors' per-layer colours, labels "L{i}", x "Steps" in K, y "NaN
 *    Count" in forced scientific notation (plot_layerwise_nan_counts.py:30, 50-57).
 * 2. paper-reference §7: the count is a mean over heads, so it may be fractional.
 */
import type { TopLevelSpec } from 'vega-lite';
import { layerPanelsSpec, type LayerSeriesRow } from './layer-panels.js';
import { nanLayerColors } from './palette.js';
import { runTitle, sortRuns, type PlotRun } from './plot-run.js';

/** Which count to draw: NaNs in the attention probabilities, or fp16-overflowing logits. */
export type CountMetric = 'nan' | 'fp16-overflow';

/**
 * Per-layer counts of every run that logged them.
 * @param options.nonZeroOnly - keep only runs with at least one count above zero.
 */
export function layerCountRows(
  runs: readonly PlotRun[],
  options: { metric: CountMetric; nonZeroOnly?: boolean },
): LayerSeriesRow[] {
  return sortRuns(runs).flatMap((run) => {
    const panel = runTitle(run, runs);
    const rows = run.entropy.flatMap((log) => {
      const counts = options.metric === 'nan' ? log.nanCounts : log.fp16Overflows;
      return (counts ?? []).flatMap((value, layer) =>
        Number.isFinite(value) ? [{ panel, layer, series: `L${layer}`, step: log.step, value }] : [],
      );
    });
    return options.nonZeroOnly === true && !rows.some((row) => row.value > 0) ? [] : rows;
  });
}

/** True when some run has a count above zero of this metric (a figure of all zeros says little). */
export function hasNonZeroCounts(runs: readonly PlotRun[], metric: CountMetric): boolean {
  return layerCountRows(runs, { metric, nonZeroOnly: true }).length > 0;
}

/**
 * Vega-Lite spec of Figure 5's NaN panels (or the fp16-overflow counts), one panel per run that
 * logged the metric, each with its own y scale.
 * @throws RangeError when no run logged the metric.
 */
export function layerCountsSpec(
  runs: readonly PlotRun[],
  options: { metric: CountMetric; title?: string; nonZeroOnly?: boolean },
): TopLevelSpec {
  const rows = layerCountRows(runs, { metric: options.metric, nonZeroOnly: options.nonZeroOnly ?? false });
  const what = options.metric === 'nan' ? 'NaN counts' : 'fp16-overflow counts';
  if (rows.length === 0)
    throw new RangeError(`layerCountsSpec: none of the ${runs.length} runs has ${what} in its entropy logs`);
  return layerPanelsSpec(rows, {
    title:
      options.title ??
      (options.metric === 'nan'
        ? 'NaN counts in attention per layer (Figure 5)'
        : 'Attention logits beyond the fp16 range per layer'),
    yTitle: options.metric === 'nan' ? 'NaN Count' : 'fp16 Overflow Count',
    colors: { range: nanLayerColors },
    yFormat: '.1e',
    yZero: true,
    independentY: true,
  });
}
