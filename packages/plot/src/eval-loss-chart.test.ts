import { describe, expect, it } from 'vitest';
import { evalLossRows, evalLossSpec } from './eval-loss-chart.js';
import { tab10 } from './palette.js';
import { paperExampleRuns } from './testing/index.js';

describe('evalLossSpec (Figure 2b)', () => {
  const runs = paperExampleRuns();

  it('matches the stored spec (Vega-Lite JSON)', async () => {
    await expect(JSON.stringify(evalLossSpec(runs), null, 1)).toMatchFileSnapshot(
      './__snapshots__/figure2b-eval-loss.vl.json',
    );
  });

  it("gives each configuration the paper's colour and marker: C0 o, C1 s, C2 D, C3 ^", () => {
    const text = JSON.stringify(evalLossSpec(runs));
    expect(text).toContain(`"range":${JSON.stringify(tab10.slice(0, 4))}`);
    expect(text).toContain('"range":["circle","square","diamond","triangle-up"]');
    expect(text).toContain('"title":"Eval Cross-entropy Loss"');
  });

  it('ends each curve at ln(Table 2 PPL)', () => {
    const rows = evalLossRows(runs);
    const last = rows.filter((row) => row.label === 'SM+G').at(-1)!;
    expect(last.loss).toBeCloseTo(Math.log(3.197), 12);
  });

  it('throws when no run has an evaluation', () => {
    expect(() => evalLossSpec(runs.map(({ finalEval: _dropped, ...run }) => ({ ...run, evals: [] })))).toThrow(
      'none of the 4 runs has an evaluation log',
    );
  });
});
