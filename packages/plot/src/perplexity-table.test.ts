import { describe, expect, it } from 'vitest';
import { formatDelta, perplexityTable, perplexityTableHtml, perplexityTableMarkdown } from './perplexity-table.js';
import type { PlotRun } from './plot-run.js';

const run = (
  configuration: string,
  label: string,
  seed: number,
  perplexity: number,
  extra: Partial<PlotRun> = {},
): PlotRun => ({
  label,
  configuration,
  seed,
  status: 'completed',
  steps: [],
  evals: [],
  entropy: [],
  slopes: [],
  finalEval: { type: 'eval', step: 100, loss: Math.log(perplexity), perplexity, windows: 8 },
  ...extra,
});

describe('perplexityTable', () => {
  it('computes +Δ% = 100·(PPL − PPL_base)/PPL_base against SM+LN+G, from unrounded values', () => {
    const table = perplexityTable([
      run('sm-r', 'SM+R', 1, 2.9364),
      run('sm-ln-g', 'SM+LN+G', 1, 2.6884),
      run('sm-g', 'SM+G', 1, 3.1971),
    ]);
    expect(table.baseline).toBe('sm-ln-g');
    expect(table.rows.map((row) => row.label)).toEqual(['SM+LN+G', 'SM+G', 'SM+R']);
    expect(table.rows[0]!.deltaPercent).toBe(0);
    expect(table.rows[1]!.deltaPercent).toBeCloseTo((100 * (3.1971 - 2.6884)) / 2.6884, 10);
    expect(table.rows[2]!.deltaPercent).toBeCloseTo(9.2248, 3);
  });

  it('gives mean, sample std and min–max over seeds, and Δ% between means', () => {
    const table = perplexityTable([
      run('sm-ln-g', 'SM+LN+G', 1, 100),
      run('sm-g', 'SM+G', 1, 110),
      run('sm-g', 'SM+G', 2, 130),
    ]);
    const gelu = table.rows[1]!;
    expect(gelu).toMatchObject({ mean: 120, min: 110, max: 130, seeds: [1, 2] });
    expect(gelu.std).toBeCloseTo(Math.SQRT2 * 10, 10);
    expect(gelu.deltaPercent).toBeCloseTo(20, 10);
    expect(perplexityTableMarkdown(table)).toContain(
      '| SM+G | 120.00 ± 14.14 (110.00–130.00) | +20.00 | 1, 2 | 3.197 | 18.92 |',
    );
  });

  it('leaves diverged seeds out of the mean and lists them, and has no Δ% without the baseline', () => {
    const table = perplexityTable([
      run('sm-g', 'SM+G', 1, 50),
      run('sm-g', 'SM+G', 2, Number.NaN, { status: 'diverged' }),
    ]);
    expect(table.baseline).toBeUndefined();
    expect(table.rows[0]).toMatchObject({ mean: 50, failedSeeds: [2], deltaPercent: undefined });
    expect(perplexityTableMarkdown(table)).toContain('| SM+G | 50.00 | n/a | 1; diverged/failed: 2 |');
  });

  it('falls back to exp(loss) when an eval log has no finite perplexity', () => {
    const table = perplexityTable([
      run('sm-ln-g', 'SM+LN+G', 1, 1, {
        finalEval: { type: 'eval', step: 1, loss: 1, perplexity: Number.NaN, windows: 1 },
      }),
    ]);
    expect(table.rows[0]!.mean).toBeCloseTo(Math.E, 12);
  });

  it('escapes HTML in labels', () => {
    const html = perplexityTableHtml(perplexityTable([run('x', '<b>X</b>', 1, 5)]));
    expect(html).toContain('&lt;b&gt;X&lt;/b&gt;');
    expect(html).not.toContain('<b>X</b>');
  });

  it('formats Δ% with a sign', () => {
    expect([formatDelta(2.5), formatDelta(-1.234), formatDelta(undefined)]).toEqual(['+2.50', '−1.23', 'n/a']);
  });
});
