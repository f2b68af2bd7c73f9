/**
 * Table 2: evaluation perplexity per configuration and its relative change +Δ% against SM+LN+G,
 * as data, Markdown and HTML (rendered by report-table.ts, like every table of the report).
 *
 * References:
 * 1. paper-reference §8: +Δ% = 100·(PPL − PPL_base)/PPL_base; PPL = exp(eval loss) (§2 item 8).
 */
import { paperTable2Gpt2 } from './paper-numbers.js';
import { configurationsOf, finalEvalOf, type PlotRun } from './plot-run.js';
import { htmlTable, markdownTable, type ReportTable } from './report-table.js';

/** One configuration's row. */
export interface PerplexityRow {
  readonly configuration: string;
  readonly label: string;
  /** Seeds with a finite final perplexity. */
  readonly seeds: readonly number[];
  /** Their final perplexities, in seed order. */
  readonly perplexities: readonly number[];
  /** Mean over seeds (NaN when no seed has a finite perplexity). */
  readonly mean: number;
  /** Sample standard deviation over seeds (n − 1); 0 for one seed. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** 100·(mean − baseline mean)/baseline mean, from unrounded means; undefined without a baseline. */
  readonly deltaPercent: number | undefined;
  /** Seeds of this configuration that diverged or whose final perplexity is not finite. */
  readonly failedSeeds: readonly number[];
  /** Seeds of this configuration with no evaluation at all (e.g. logs without eval losses). */
  readonly unevaluatedSeeds: readonly number[];
  /** Table 2's GPT-2 numbers for this configuration, when it is one of the paper's four. */
  readonly paper: { readonly perplexity: number; readonly deltaPercent: number } | undefined;
}

export interface PerplexityTable {
  /** Baseline configuration id, when present among the runs with a finite perplexity. */
  readonly baseline: string | undefined;
  readonly rows: readonly PerplexityRow[];
  /** How the spread over seeds is reported. */
  readonly spread: 'sample standard deviation and min–max over seeds';
}

/** A run's final perplexity: the eval log's `perplexity`, else exp(loss); NaN when it has none. */
export function finalPerplexityOf(run: PlotRun): number {
  const log = finalEvalOf(run);
  if (log === undefined) return Number.NaN;
  return Number.isFinite(log.perplexity) ? log.perplexity : Math.exp(log.loss);
}

/**
 * Build Table 2 from runs: one row per configuration in paper order, mean ± spread over seeds.
 * @param options.baseline - configuration id of the Δ% baseline (default `sm-ln-g`).
 */
export function perplexityTable(runs: readonly PlotRun[], options: { baseline?: string } = {}): PerplexityTable {
  const baselineId = options.baseline ?? 'sm-ln-g';
  const partial = configurationsOf(runs).map(({ configuration, label }) => {
    const own = runs.filter((run) => run.configuration === configuration).sort((a, b) => a.seed - b.seed);
    const good = own.filter((run) => run.status !== 'diverged' && Number.isFinite(finalPerplexityOf(run)));
    const perplexities = good.map(finalPerplexityOf);
    const n = perplexities.length;
    const mean = n === 0 ? Number.NaN : perplexities.reduce((sum, value) => sum + value, 0) / n;
    const std = n < 2 ? 0 : Math.sqrt(perplexities.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1));
    const paper = (paperTable2Gpt2 as Record<string, { perplexity: number; deltaPercent: number }>)[configuration];
    return {
      configuration,
      label,
      seeds: good.map((run) => run.seed),
      perplexities,
      mean,
      std,
      min: n === 0 ? Number.NaN : Math.min(...perplexities),
      max: n === 0 ? Number.NaN : Math.max(...perplexities),
      failedSeeds: own
        .filter((run) => run.status === 'diverged' || (!good.includes(run) && finalEvalOf(run) !== undefined))
        .map((run) => run.seed),
      unevaluatedSeeds: own
        .filter((run) => finalEvalOf(run) === undefined && run.status !== 'diverged')
        .map((run) => run.seed),
      paper: paper === undefined ? undefined : { perplexity: paper.perplexity, deltaPercent: paper.deltaPercent },
    };
  });
  const baseRow = partial.find((row) => row.configuration === baselineId && Number.isFinite(row.mean));
  const rows = partial.map((row) => ({
    ...row,
    deltaPercent:
      baseRow === undefined || !Number.isFinite(row.mean)
        ? undefined
        : (100 * (row.mean - baseRow.mean)) / baseRow.mean,
  }));
  return { baseline: baseRow?.configuration, rows, spread: 'sample standard deviation and min–max over seeds' };
}

/** Decimals for a perplexity: 3 below 10 (the paper's style), 2 below 1000, else 1. */
function perplexityDecimals(value: number): number {
  return value < 10 ? 3 : value < 1000 ? 2 : 1;
}

/**
 * A perplexity with 3 decimals below 10 (the paper's style), 2 below 1000, else 1.
 * @param like - format with the decimals this value would get (e.g. a spread like its mean).
 */
export function formatPerplexity(value: number, like: number = value): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toFixed(perplexityDecimals(Number.isFinite(like) ? like : value));
}

/** A relative change with sign and 2 decimals, e.g. `+18.92`. */
export function formatDelta(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
}

/** The PPL cell: `mean` for one seed, `mean ± std (min–max)` for several. */
export function formatPerplexityCell(row: PerplexityRow): string {
  if (row.perplexities.length < 2) return formatPerplexity(row.mean);
  return `${formatPerplexity(row.mean)} ± ${formatPerplexity(row.std, row.mean)} (${formatPerplexity(row.min, row.mean)}–${formatPerplexity(row.max, row.mean)})`;
}

/** Header and body cells of the table, shared by the Markdown and HTML forms. */
export function perplexityTableCells(table: PerplexityTable): { header: string[]; body: string[][] } {
  const baseLabel = table.rows.find((row) => row.configuration === table.baseline)?.label ?? 'baseline';
  const header = ['Model', 'Eval PPL (ours)', `+Δ% vs ${baseLabel} (ours)`, 'Seeds', 'Paper GPT-2 PPL', 'Paper +Δ%'];
  const body = table.rows.map((row) => [
    row.label,
    formatPerplexityCell(row),
    formatDelta(row.deltaPercent),
    [
      row.seeds.join(', '),
      row.failedSeeds.length > 0 ? `diverged/failed: ${row.failedSeeds.join(', ')}` : '',
      row.unevaluatedSeeds.length > 0 ? `no evaluation: ${row.unevaluatedSeeds.join(', ')}` : '',
    ]
      .filter((part) => part !== '')
      .join('; ') || '–',
    row.paper === undefined ? '–' : row.paper.perplexity.toFixed(3),
    row.paper === undefined ? '–' : row.paper.deltaPercent.toFixed(2),
  ]);
  return { header, body };
}

/** Table 2 as a {@link ReportTable}: the model column left-aligned, every other column right-aligned. */
export function perplexityReportTable(table: PerplexityTable): ReportTable {
  const { header, body } = perplexityTableCells(table);
  return {
    columns: header.map((text, index) => ({ header: text, align: index === 0 ? 'left' : 'right' })),
    rows: body,
  };
}

/** Table 2 as a GitHub-flavoured Markdown table. */
export function perplexityTableMarkdown(table: PerplexityTable): string {
  return markdownTable(perplexityReportTable(table));
}

/** Table 2 as an HTML `<table>` (text escaped). */
export function perplexityTableHtml(table: PerplexityTable): string {
  return htmlTable(perplexityReportTable(table));
}
