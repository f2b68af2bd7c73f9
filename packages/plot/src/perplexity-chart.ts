/**
 * Table 2 as a figure: +Δ% against SM+LN+G per configuration, ours next to the paper's GPT-2
 * column. Relative changes are the comparable part of Table 2 (absolute perplexities are not: other
 * tokenizer, corpus and scale).
 *
 * References:
 * 1. paper-reference §8, Table 2.
 */
import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, configurationStyles, vegaLiteSchema } from './palette.js';
import { formatPerplexityCell, perplexityTable } from './perplexity-table.js';
import type { PlotRun } from './plot-run.js';

/** One bar: a configuration's +Δ%, ours or the paper's. */
export interface PerplexityDeltaRow {
  readonly configuration: string;
  readonly label: string;
  readonly source: 'ours' | 'paper (GPT-2)';
  readonly deltaPercent: number;
  /** Bar annotation, e.g. `+18.9%`. */
  readonly text: string;
  /** Perplexity shown in the tooltip. */
  readonly perplexity: string;
}

/** Rows of the Table 2 figure: every configuration with a Δ% of ours, plus the paper's where it has one. */
export function perplexityDeltaRows(
  runs: readonly PlotRun[],
  options: { baseline?: string } = {},
): PerplexityDeltaRow[] {
  const table = perplexityTable(runs, options);
  return table.rows.flatMap((row) => {
    if (row.deltaPercent === undefined) return [];
    const text = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}%`;
    const ours: PerplexityDeltaRow = {
      configuration: row.configuration,
      label: row.label,
      source: 'ours',
      deltaPercent: row.deltaPercent,
      text: text(row.deltaPercent),
      perplexity: formatPerplexityCell(row),
    };
    if (row.paper === undefined) return [ours];
    return [
      ours,
      {
        configuration: row.configuration,
        label: row.label,
        source: 'paper (GPT-2)',
        deltaPercent: row.paper.deltaPercent,
        text: text(row.paper.deltaPercent),
        perplexity: row.paper.perplexity.toFixed(3),
      },
    ];
  });
}

/**
 * Vega-Lite spec of Table 2 as bars: per configuration, our +Δ% (solid, the configuration's colour)
 * and the paper's (light grey).
 * @throws RangeError when the baseline has no finite perplexity (no Δ% can be computed).
 */
export function perplexityDeltaSpec(
  runs: readonly PlotRun[],
  options: { baseline?: string; title?: string } = {},
): TopLevelSpec {
  const rows = perplexityDeltaRows(runs, options.baseline === undefined ? {} : { baseline: options.baseline });
  if (rows.length === 0) {
    throw new RangeError(
      `perplexityDeltaSpec: no +Δ% to draw: the baseline '${options.baseline ?? 'sm-ln-g'}' has no finite eval perplexity among the ${runs.length} runs`,
    );
  }
  const baseline = options.baseline ?? 'sm-ln-g';
  const baseLabel = runs.find((run) => run.configuration === baseline)?.label ?? baseline;
  const configurations = [...new Set(rows.map((row) => row.configuration))];
  const labels = configurations.map((configuration) => rows.find((row) => row.configuration === configuration)!.label);
  const colors = configurationStyles(configurations).map((style) => style.color);
  const values = rows.map((row) => row.deltaPercent);
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const pad = Math.max(4, 0.15 * (high - low));
  return {
    $schema: vegaLiteSchema,
    title: {
      text: options.title ?? `Table 2: eval perplexity change vs ${baseLabel} (+Δ%)`,
      subtitle: "coloured: ours · grey: the paper's GPT-2 (absolute perplexities are not comparable)",
      subtitleFontSize: 11,
    },
    config: baseConfig,
    data: { values: rows },
    width: Math.max(300, labels.length * 150),
    height: 260,
    encoding: {
      x: { field: 'label', type: 'nominal', sort: labels, title: null, axis: { labelAngle: 0, labelFontSize: 12 } },
      xOffset: { field: 'source', type: 'nominal', sort: ['ours', 'paper (GPT-2)'], scale: { paddingInner: 0.08 } },
      y: {
        field: 'deltaPercent',
        type: 'quantitative',
        title: '+Δ% eval perplexity vs baseline',
        scale: { domain: [low < 0 ? low - pad : 0, high + pad] },
        axis: { labelExpr: "datum.value + '%'" },
      },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: {
            condition: { test: "datum.source === 'paper (GPT-2)'", value: '#c7c7c7' },
            field: 'label',
            type: 'nominal',
            scale: { domain: labels, range: colors },
            legend: null,
          },
          tooltip: [
            { field: 'label', type: 'nominal', title: 'Model' },
            { field: 'source', type: 'nominal', title: 'Source' },
            { field: 'perplexity', type: 'nominal', title: 'Eval PPL' },
            { field: 'deltaPercent', type: 'quantitative', title: '+Δ%', format: '.2f' },
          ],
        },
      },
      // Labels above rising bars and below falling ones.
      ...(['>=', '<'] as const).map((comparison) => ({
        transform: [{ filter: `datum.deltaPercent ${comparison} 0` }],
        mark: {
          type: 'text' as const,
          fontSize: 10,
          fontWeight: 'bold' as const,
          baseline: comparison === '>=' ? ('bottom' as const) : ('top' as const),
          dy: comparison === '>=' ? -3 : 3,
        },
        encoding: { text: { field: 'text', type: 'nominal' as const } },
      })),
      {
        mark: { type: 'rule', color: '#444444' },
        encoding: { y: { datum: 0, type: 'quantitative' } },
      },
    ],
  };
}
