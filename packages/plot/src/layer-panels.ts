/**
 * The shared shape of Figures 3, 4 and 5: one panel per run, one line per layer, x = steps.
 *
 * References:
 * 1. paper-reference §10.4–10.6: Figure 3 (slopes), 4 (layer-wise entropy, viridis, "Steps" with
 *    K ticks, "Mean Entropy"), 5 (NaN counts, the authors' per-layer colours, scientific y ticks).
 */
import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, thousandsLabelExpr, vegaLiteSchema, viridisColors } from './palette.js';

/** One point of one layer's curve in one panel. */
export interface LayerSeriesRow {
  /** Panel title (the run's label, plus seed when needed). */
  readonly panel: string;
  /** Layer index, or -1 for a global (all-layer) value. */
  readonly layer: number;
  /** Legend entry, e.g. `Layer 3`, `L3` or `Global`. */
  readonly series: string;
  readonly step: number;
  readonly value: number;
}

/** How the per-layer lines are coloured. */
export type LayerColors = { readonly scheme: 'viridis' } | { readonly range: readonly string[] };

export interface LayerPanelsOptions {
  readonly title: string;
  readonly yTitle: string;
  readonly colors: LayerColors;
  /** d3 format of the y tick labels (e.g. `.1e` for Figure 5's scientific notation). */
  readonly yFormat?: string;
  /** Start the y scale at zero (counts) or fit the data (entropy, slopes). */
  readonly yZero: boolean;
  /** Give every panel its own y scale (counts that differ by orders of magnitude); default shared. */
  readonly independentY?: boolean;
  /** A dashed horizontal rule at this y (e.g. slope 0). */
  readonly ruleAt?: number;
}

/**
 * A faceted line chart: one panel per `panel`, one line per `series`, with a shared legend.
 * @param rows - finite values only; panels keep the order of first appearance.
 */
export function layerPanelsSpec(rows: readonly LayerSeriesRow[], options: LayerPanelsOptions): TopLevelSpec {
  const panels = [...new Set(rows.map((row) => row.panel))];
  const series = [...new Map([...rows].sort((a, b) => a.layer - b.layer).map((row) => [row.series, row.layer])).keys()];
  const range = 'range' in options.colors ? options.colors.range : undefined;
  const colorScale = {
    domain: series,
    range: range === undefined ? viridisColors(series.length) : series.map((_, index) => range[index % range.length]!),
  };

  return {
    $schema: vegaLiteSchema,
    title: options.title,
    config: baseConfig,
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', sort: panels, header: { title: null } },
    columns: Math.min(panels.length, panels.length === 4 ? 2 : 3),
    spacing: { row: 20, column: 20 },
    resolve: {
      scale: { y: options.independentY === true ? 'independent' : 'shared' },
      axis: { x: 'independent', y: 'independent' },
    },
    spec: {
      width: 300,
      height: 200,
      layer: [
        ...(options.ruleAt === undefined
          ? []
          : [
              {
                mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#888888' },
                encoding: { y: { datum: options.ruleAt, type: 'quantitative' as const } },
              },
            ]),
        {
          mark: { type: 'line', strokeWidth: 2, point: rows.length / Math.max(1, panels.length * series.length) <= 3 },
          encoding: {
            x: {
              field: 'step',
              type: 'quantitative',
              title: 'Steps',
              axis: { labelExpr: thousandsLabelExpr, tickCount: 6 },
            },
            y: {
              field: 'value',
              type: 'quantitative',
              title: options.yTitle,
              scale: { zero: options.yZero },
              ...(options.yFormat === undefined ? {} : { axis: { format: options.yFormat } }),
            },
            color: {
              field: 'series',
              type: 'nominal',
              title: null,
              sort: series,
              scale: colorScale,
              legend: { columns: series.length > 12 ? 2 : 1 },
            },
            tooltip: [
              { field: 'series', type: 'nominal', title: 'Layer' },
              { field: 'step', type: 'quantitative', title: 'Step' },
              { field: 'value', type: 'quantitative', title: options.yTitle, format: options.yFormat ?? '.4g' },
            ],
          },
        },
      ],
    },
  };
}
