/**
 * Figure 2a: the share of heads in each entropy bin per configuration (entropic overload).
 *
 * References:
 * 1. paper-reference §6.4–6.5: bins [0, Max/4) … [3Max/4, Max] with Max = the largest head entropy
 *    over all compared models; percentages printed as integers.
 * 2. paper-reference §10.2: grouped bars, tab10 colours, "NN%" labels above bars, y "Percentage of
 *    Heads", legend upper left.
 * 3. packages/core/src/entropy-bins.ts: overloadBins, overloadBinLabels.
 */
import { overloadBinLabels, overloadBins } from '@normfree/core';
import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, configurationStyles, vegaLiteSchema } from './palette.js';
import { configurationsOf, finalHeadEntropyOf, type PlotRun } from './plot-run.js';

/** One bar of Figure 2a. */
export interface OverloadBinRow {
  readonly configuration: string;
  readonly label: string;
  /** 0–3, lowest entropy first. */
  readonly binIndex: number;
  /** The paper's bin label, e.g. `[3Max/4, Max]`. */
  readonly bin: string;
  /** Heads of this configuration in the bin (pooled over its seeds). */
  readonly count: number;
  /** Percentage (0–100) of the configuration's heads in the bin, unrounded. */
  readonly percent: number;
  /** The bar's annotation: the rounded percentage, e.g. `58%`. */
  readonly percentLabel: string;
}

/** The data of Figure 2a. */
export interface OverloadBinsData {
  /** Max of the bin edges: the largest head entropy over every compared run. */
  readonly max: number;
  readonly rows: readonly OverloadBinRow[];
}

/** Pixels per bin at least: the longest bin label, '[Max/2, 3Max/4)', at 12 px. */
const minimumBinWidth = 110;

/**
 * Bin the final head entropies of every run that has them. Several seeds of one configuration are
 * pooled (their heads counted together), so the bar is the share of all that configuration's heads.
 * @param options.max - override Max (default: the largest head over all runs, core `overloadBins`).
 * @throws RangeError when no run has a head-entropy matrix.
 */
export function overloadBinsData(runs: readonly PlotRun[], options: { max?: number } = {}): OverloadBinsData {
  const configurations = configurationsOf(runs).filter(({ configuration }) =>
    runs.some((run) => run.configuration === configuration && finalHeadEntropyOf(run) !== undefined),
  );
  if (configurations.length === 0) {
    throw new RangeError(
      `overloadBinsData: none of the ${runs.length} runs has a final head-entropy matrix (finalEntropy.perHead)`,
    );
  }
  // One pooled matrix per configuration: the rows of all its seeds stacked.
  const matrices = configurations.map(({ configuration }) =>
    runs.filter((run) => run.configuration === configuration).flatMap((run) => finalHeadEntropyOf(run) ?? []),
  );
  const bins = overloadBins(matrices, options.max === undefined ? {} : { max: options.max });
  const rows = configurations.flatMap(({ configuration, label }, model) =>
    overloadBinLabels.map((bin, binIndex) => {
      const percent = bins.percentages[model]![binIndex]!;
      return {
        configuration,
        label,
        binIndex,
        bin,
        count: bins.counts[model]![binIndex]!,
        percent,
        percentLabel: `${Math.round(percent)}%`,
      };
    }),
  );
  return { max: bins.max, rows };
}

/**
 * Vega-Lite spec of Figure 2a: grouped bars, 4 bins × configurations, "NN%" above each bar.
 * @param options.max - override Max of the bin edges.
 */
export function overloadBinsSpec(
  runs: readonly PlotRun[],
  options: { max?: number; title?: string } = {},
): TopLevelSpec {
  const data = overloadBinsData(runs, options.max === undefined ? {} : { max: options.max });
  const configurations = [...new Set(data.rows.map((row) => row.configuration))];
  const labels = configurations.map(
    (configuration) => data.rows.find((row) => row.configuration === configuration)!.label,
  );
  const styles = configurationStyles(configurations);
  const highest = Math.max(...data.rows.map((row) => row.percent));
  // Room above the tallest bar for its label, ticks every 10 %.
  const top = Math.min(100, Math.ceil((highest + 8) / 10) * 10);
  const barStep = Math.max(20, Math.min(36, 120 / configurations.length));
  // The paper's legend sits upper left, over the low-entropy bins; move it out of the plot when
  // those bars are tall enough to run into it.
  const lowBinsHighest = Math.max(...data.rows.filter((row) => row.binIndex <= 1).map((row) => row.percent));
  const legendOrient = lowBinsHighest < 0.6 * top ? 'top-left' : 'right';
  const legend = {
    orient: legendOrient,
    symbolType: 'square',
    fillColor: 'white',
    padding: 6,
    strokeColor: '#dddddd',
  } as const;
  const color = {
    field: 'label',
    type: 'nominal',
    title: null,
    scale: { domain: labels, range: styles.map((style) => style.color) },
  } as const;
  return {
    $schema: vegaLiteSchema,
    title: options.title ?? `Share of heads per entropy bin (Figure 2a), Max = ${data.max.toFixed(2)} nats`,
    config: baseConfig,
    data: { values: data.rows },
    // At least the width of the longest bin label ('[Max/2, 3Max/4)' at 12 px), so a chart of one or
    // two configurations does not draw its labels over each other.
    width: overloadBinLabels.length * Math.max(minimumBinWidth, barStep * configurations.length + 32),
    height: 300,
    encoding: {
      x: {
        field: 'bin',
        type: 'nominal',
        sort: [...overloadBinLabels],
        title: 'Entropy bin',
        axis: { labelAngle: 0, labelFontSize: 12 },
      },
      xOffset: { field: 'label', type: 'nominal', sort: labels, scale: { paddingInner: 0.1 } },
      y: {
        field: 'percent',
        type: 'quantitative',
        title: 'Percentage of Heads',
        scale: { domain: [0, top] },
        axis: { labelExpr: "datum.value + '%'" },
      },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: { ...color, legend },
          tooltip: [
            { field: 'label', type: 'nominal', title: 'Model' },
            { field: 'bin', type: 'nominal', title: 'Bin' },
            { field: 'count', type: 'quantitative', title: 'Heads' },
            { field: 'percent', type: 'quantitative', title: 'Percent', format: '.1f' },
          ],
        },
      },
      {
        mark: {
          type: 'text',
          dy: -6,
          fontWeight: 'bold',
          fontSize: configurations.length > 4 ? 9 : 11,
          baseline: 'bottom',
        },
        // The same legend object on both layers: Vega-Lite merges them into one legend (a null
        // legend here would conflict with the bar layer's and log a warning).
        encoding: { text: { field: 'percentLabel', type: 'nominal' }, color: { ...color, legend } },
      },
    ],
  };
}
