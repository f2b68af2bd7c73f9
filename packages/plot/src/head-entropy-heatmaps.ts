/**
 * Figure 1: head-wise attention entropy at the end of training, one [layer × head] heatmap per run.
 *
 * References:
 * 1. paper-reference §10.1: x "Head index", y "Layer index" with layer 0 at the top, every cell
 *    annotated with 2 decimals, thin white grid lines, a viridis-like map, one colour bar.
 * 2. paper-reference Appendix A: the four 12 × 12 matrices of the published figure.
 */
import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, vegaLiteSchema } from './palette.js';
import { finalHeadEntropyOf, runTitle, sortRuns, type PlotRun } from './plot-run.js';

/** One heatmap cell. */
export interface HeadEntropyCell {
  /** Panel title: the run's label (plus its seed when several seeds are drawn). */
  readonly panel: string;
  readonly layer: number;
  readonly head: number;
  /** Entropy in nats. */
  readonly entropy: number;
  /** The cell's annotation, 2 decimals. */
  readonly text: string;
}

/** Options of {@link headEntropyHeatmapSpec}. */
export interface HeadEntropyHeatmapOptions {
  /** Figure title (default "Head-wise attention entropy (Figure 1)"). */
  readonly title?: string;
  /** Panels per row (default 2 for up to 4 panels, else 3). */
  readonly columns?: number;
}

/**
 * Rows of the Figure 1 heatmaps: every finite head entropy of every run that has a final
 * [layer][head] matrix, in paper order.
 */
export function headEntropyCells(runs: readonly PlotRun[]): HeadEntropyCell[] {
  const cells: HeadEntropyCell[] = [];
  for (const run of sortRuns(runs)) {
    const matrix = finalHeadEntropyOf(run);
    if (matrix === undefined) continue;
    const panel = runTitle(run, runs);
    matrix.forEach((row, layer) =>
      row.forEach((entropy, head) => {
        if (Number.isFinite(entropy)) cells.push({ panel, layer, head, entropy, text: entropy.toFixed(2) });
      }),
    );
  }
  return cells;
}

/** Smallest span of Figure 1's colour scale, in nats. */
const minimumColourRange = 0.01;

/**
 * Vega-Lite spec of Figure 1: one heatmap per run (runs without a head-entropy matrix are skipped),
 * sharing one viridis colour scale and one colour bar.
 * @throws RangeError when no run has a head-entropy matrix.
 */
export function headEntropyHeatmapSpec(
  runs: readonly PlotRun[],
  options: HeadEntropyHeatmapOptions = {},
): TopLevelSpec {
  const cells = headEntropyCells(runs);
  if (cells.length === 0) {
    throw new RangeError(
      `headEntropyHeatmapSpec: none of the ${runs.length} runs has a final head-entropy matrix (finalEntropy.perHead)`,
    );
  }
  const panels = [...new Set(cells.map((cell) => cell.panel))];
  const heads = Math.max(...cells.map((cell) => cell.head)) + 1;
  const layers = Math.max(...cells.map((cell) => cell.layer)) + 1;
  // The paper's 12 heads fit in 432 px; small models get bigger cells, capped so a 1-head model
  // does not fill the page.
  const cellSize = Math.round(Math.min(72, Math.max(34, 432 / Math.max(heads, layers))));
  const fontSize = Math.round(Math.min(16, Math.max(10, cellSize / 3.4)));
  const values = cells.map((cell) => cell.entropy);
  // The colour scale spans at least 0.01 nats: heads that differ by less (an untrained, near-uniform
  // model) get one colour instead of the scale's two ends for a difference no label could show.
  const centre = (Math.min(...values) + Math.max(...values)) / 2;
  const low = Math.min(Math.min(...values), centre - minimumColourRange / 2);
  const high = Math.max(Math.max(...values), centre + minimumColourRange / 2);
  // viridis turns light above ~55 % of its range: dark text there, white text below.
  const textThreshold = low + 0.55 * (high - low);
  // Colour-bar labels: enough decimals to tell its ~5 ticks apart (a near-uniform model spans < 0.1 nats).
  const legendDecimals = Math.min(3, Math.max(1, Math.ceil(-Math.log10((high - low) / 5) - 1e-9)));
  const columns = options.columns ?? (panels.length <= 4 ? Math.min(panels.length, 2) : 3);
  return {
    $schema: vegaLiteSchema,
    title: options.title ?? 'Head-wise attention entropy (Figure 1)',
    config: { ...baseConfig, view: { stroke: null } },
    data: { values: cells },
    facet: { field: 'panel', type: 'nominal', sort: panels, header: { title: null } },
    columns,
    spacing: { row: 16, column: 24 },
    resolve: { axis: { x: 'independent', y: 'independent' } },
    spec: {
      width: { step: cellSize },
      height: { step: cellSize },
      encoding: {
        x: {
          field: 'head',
          type: 'ordinal',
          title: 'Head index',
          axis: { labelAngle: 0, ticks: false, domain: false },
        },
        // Ordinal y puts the first domain value at the top: layer 0 on top, as in the paper.
        y: { field: 'layer', type: 'ordinal', title: 'Layer index', axis: { ticks: false, domain: false } },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            color: {
              field: 'entropy',
              type: 'quantitative',
              title: 'Entropy (nats)',
              scale: { scheme: 'viridis', domain: [low, high] },
              legend: {
                orient: 'right',
                gradientLength: Math.max(120, cellSize * layers),
                format: `.${legendDecimals}f`,
              },
            },
          },
        },
        {
          mark: { type: 'text', fontSize, baseline: 'middle' },
          encoding: {
            text: { field: 'text', type: 'nominal' },
            color: { condition: { test: `datum.entropy > ${textThreshold}`, value: 'black' }, value: 'white' },
          },
        },
      ],
    },
  };
}
