/**
 * Figure 4: layer-wise mean attention entropy over training, one panel per run, one line per layer.
 *
 * References:
 * 1. paper-reference §10.5: viridis(linspace(0, 1, L)) colours, labels "Layer i", x "Steps" with K
 *    ticks, y "Mean Entropy" (plot_layerwise_entropy.py).
 * 2. paper-reference §6.2: the authors log every 100 steps.
 */
import { layerMeans } from '@normfree/core';
import type { TopLevelSpec } from 'vega-lite';
import { layerPanelsSpec, type LayerSeriesRow } from './layer-panels.js';
import { runTitle, sortRuns, type PlotRun } from './plot-run.js';

/** Per-layer mean entropy of every entropy log (from `perLayer`, else the mean of `perHead`). */
export function layerEntropyRows(runs: readonly PlotRun[]): LayerSeriesRow[] {
  return sortRuns(runs).flatMap((run) => {
    const panel = runTitle(run, runs);
    return run.entropy.flatMap((log) => {
      const perLayer = log.perLayer ?? (log.perHead === undefined ? [] : layerMeans(log.perHead));
      return perLayer.flatMap((value, layer) =>
        Number.isFinite(value) ? [{ panel, layer, series: `Layer ${layer}`, step: log.step, value }] : [],
      );
    });
  });
}

/**
 * Vega-Lite spec of Figure 4 (runs without entropy logs are skipped).
 * @throws RangeError when no run has an entropy log.
 */
export function layerEntropySpec(runs: readonly PlotRun[], options: { title?: string } = {}): TopLevelSpec {
  const rows = layerEntropyRows(runs);
  if (rows.length === 0)
    throw new RangeError(`layerEntropySpec: none of the ${runs.length} runs has a layer-wise entropy log`);
  return layerPanelsSpec(rows, {
    title: options.title ?? 'Layer-wise mean attention entropy during training (Figure 4)',
    yTitle: 'Mean Entropy',
    colors: { scheme: 'viridis' },
    yZero: false,
  });
}
