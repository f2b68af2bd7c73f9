/**
 * Figure 3: learnable negative slopes of leaky ReLU over training, one panel per run, one curve per
 * layer (or one curve for a truly global slope).
 *
 * References:
 * 1. paper-reference §10.4: (a) layer-wise, 12 curves; (b) global, one curve; init 0.01.
 * 2. paper-reference §4: the authors log every 100 steps, `global_slope.txt` holds layer 0's value.
 */
import type { TopLevelSpec } from 'vega-lite';
import { layerPanelsSpec, type LayerSeriesRow } from './layer-panels.js';
import { runTitle, sortRuns, type PlotRun } from './plot-run.js';

/**
 * Slope curves of every run that has them: its slope logs, else the `slopes` field of its step logs.
 * A single value per log is drawn as one "Global" curve.
 */
export function slopeRows(runs: readonly PlotRun[]): LayerSeriesRow[] {
  return sortRuns(runs).flatMap((run) => {
    const panel = runTitle(run, runs);
    const logs =
      run.slopes.length > 0
        ? run.slopes
        : run.steps.flatMap((log) => (log.slopes === undefined ? [] : [{ step: log.step, slopes: log.slopes }]));
    return logs.flatMap((log) =>
      log.slopes.flatMap((value, layer) => {
        if (!Number.isFinite(value)) return [];
        const global = log.slopes.length === 1;
        return [
          { panel, layer: global ? -1 : layer, series: global ? 'Global' : `Layer ${layer}`, step: log.step, value },
        ];
      }),
    );
  });
}

/**
 * Vega-Lite spec of Figure 3 with a dashed line at slope 0.
 * @throws RangeError when no run has slope logs.
 */
export function slopesSpec(runs: readonly PlotRun[], options: { title?: string } = {}): TopLevelSpec {
  const rows = slopeRows(runs);
  if (rows.length === 0) throw new RangeError(`slopesSpec: none of the ${runs.length} runs has learnable-slope logs`);
  return layerPanelsSpec(rows, {
    title: options.title ?? 'Learnable negative slopes during training (Figure 3)',
    yTitle: 'Negative slope',
    colors: { scheme: 'viridis' },
    yZero: false,
    ruleAt: 0,
  });
}
