import { describe, expect, it } from 'vitest';
import { hasNonZeroCounts, layerCountRows, layerCountsSpec } from './nan-counts-chart.js';
import { paperExampleRuns } from './testing/index.js';

describe('layerCountsSpec (Figure 5 NaN panels)', () => {
  const runs = paperExampleRuns({ extras: true, steps: 4000 });

  it('matches the stored spec (Vega-Lite JSON)', async () => {
    await expect(
      JSON.stringify(layerCountsSpec(runs, { metric: 'nan', nonZeroOnly: true }), null, 1),
    ).toMatchFileSnapshot('./__snapshots__/figure5-nan-counts.vl.json');
  });

  it('uses scientific notation on y, the authors\' layer colours and "L{i}" labels', () => {
    const text = JSON.stringify(layerCountsSpec(runs, { metric: 'nan' }));
    expect(text).toContain('"format":".1e"');
    expect(text).toContain('"range":["teal","red","green"');
    expect(text).toContain('"L11"');
  });

  it('keeps only runs with a count above zero when asked, for NaNs and fp16 overflows', () => {
    expect(new Set(layerCountRows(runs, { metric: 'nan', nonZeroOnly: true }).map((row) => row.panel))).toEqual(
      new Set(['SM+LR(0.1)']),
    );
    expect(hasNonZeroCounts(runs, 'fp16-overflow')).toBe(true);
    expect(hasNonZeroCounts(paperExampleRuns(), 'nan')).toBe(false);
  });
});
