import { describe, expect, it } from 'vitest';
import { perplexityDeltaRows, perplexityDeltaSpec } from './perplexity-chart.js';
import { paperExampleRuns } from './testing/index.js';

describe('perplexityDeltaSpec (Table 2 as a figure)', () => {
  const runs = paperExampleRuns();

  it("puts our +Δ% next to the paper's for each of the four configurations", () => {
    const rows = perplexityDeltaRows(runs);
    expect(rows).toHaveLength(8);
    const gelu = rows.filter((row) => row.label === 'SM+G');
    // The example runs end at Table 2's perplexities, so our Δ% is the paper's up to its rounding.
    expect(gelu.map((row) => row.source)).toEqual(['ours', 'paper (GPT-2)']);
    expect(gelu[0]!.deltaPercent).toBeCloseTo((100 * (3.197 - 2.688)) / 2.688, 10);
    expect(gelu[1]!.text).toBe('+18.9%');
  });

  it('matches the stored spec (Vega-Lite JSON)', async () => {
    await expect(JSON.stringify(perplexityDeltaSpec(runs), null, 1)).toMatchFileSnapshot(
      './__snapshots__/table2-perplexity.vl.json',
    );
  });

  it('throws, naming the baseline, when it has no perplexity', () => {
    expect(() => perplexityDeltaSpec(runs.filter((run) => run.configuration !== 'sm-ln-g'))).toThrow(
      "the baseline 'sm-ln-g' has no finite eval perplexity",
    );
  });
});
