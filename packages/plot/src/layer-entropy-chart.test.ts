import { describe, expect, it } from 'vitest';
import { layerEntropyRows, layerEntropySpec } from './layer-entropy-chart.js';
import { paperExampleRuns } from './testing/index.js';

describe('layerEntropySpec (Figure 4)', () => {
  const runs = paperExampleRuns({ steps: 2000 });

  it('matches the stored spec (Vega-Lite JSON)', async () => {
    await expect(JSON.stringify(layerEntropySpec(runs), null, 1)).toMatchFileSnapshot(
      './__snapshots__/figure4-layer-entropy.vl.json',
    );
  });

  it('has one line per layer per run, labelled "Layer i", on steps × mean entropy', () => {
    const rows = layerEntropyRows(runs);
    expect(new Set(rows.map((row) => row.series)).size).toBe(12);
    expect(rows).toHaveLength(4 * 12 * 5);
    const text = JSON.stringify(layerEntropySpec(runs));
    expect(text).toContain('"title":"Mean Entropy"');
    expect(text).toContain('"title":"Steps"');
  });

  it('falls back to the mean over heads when a log has perHead but no perLayer', () => {
    const run = {
      ...runs[0]!,
      entropy: [
        {
          step: 5,
          perHead: [
            [1, 3],
            [2, 2],
          ],
        },
      ],
    };
    expect(layerEntropyRows([run]).map((row) => row.value)).toEqual([2, 2]);
  });
});
