import { describe, expect, it } from 'vitest';
import { headEntropyCells, headEntropyHeatmapSpec } from './head-entropy-heatmaps.js';
import { paperExampleRuns } from './testing/index.js';

describe('headEntropyHeatmapSpec on the Appendix A matrices', () => {
  const runs = paperExampleRuns();

  it('matches the stored spec (Vega-Lite JSON)', async () => {
    await expect(JSON.stringify(headEntropyHeatmapSpec(runs), null, 1)).toMatchFileSnapshot(
      './__snapshots__/figure1-head-entropy.vl.json',
    );
  });

  it('has one cell per head of each of the four models, annotated with 2 decimals', () => {
    const cells = headEntropyCells(runs);
    expect(cells).toHaveLength(4 * 144);
    // SM+R layer 0 head 4: the largest head of Figure 1 (paper-reference §6.3).
    expect(cells.find((cell) => cell.panel === 'SM+R' && cell.layer === 0 && cell.head === 4)).toMatchObject({
      entropy: 3.87,
      text: '3.87',
    });
    expect(cells.find((cell) => cell.panel === 'SM+LN+G' && cell.layer === 0 && cell.head === 6)?.text).toBe('3.00');
  });

  it('puts layer 0 at the top (ordinal y), labels the axes like the paper and uses viridis', () => {
    const text = JSON.stringify(headEntropyHeatmapSpec(runs));
    expect(text).toContain('"title":"Head index"');
    expect(text).toContain('"title":"Layer index"');
    expect(text).toContain('"scheme":"viridis"');
    expect(text).not.toContain('"sort":"descending"');
  });

  it('gives the colour bar enough decimals for the range of values', () => {
    const legendFormat = (spec: object): string | undefined => /"format":"(\.\df)"/.exec(JSON.stringify(spec))?.[1];
    expect(legendFormat(headEntropyHeatmapSpec(runs))).toBe('.1f'); // Figure 1 spans about 0 to 3.9 nats
    // A near-uniform model: every head within 0.05 nats of ln-uniform; '.1f' would print one label.
    const flat = runs.map((run, index) => {
      const perHead = (run.finalEntropy?.perHead ?? []).map((row) =>
        row.map((_, head) => 3.82 + 0.01 * ((head + index) % 6)),
      );
      return { ...run, finalEntropy: { step: run.finalEntropy?.step ?? 0, perHead } };
    });
    expect(flat.every((run) => run.finalEntropy.perHead.length > 0)).toBe(true);
    expect(legendFormat(headEntropyHeatmapSpec(flat))).toBe('.2f');

    // An untrained model: heads within 1e-5 nats. The scale spans 0.01 nats around them (one colour,
    // distinct labels) instead of stretching 1e-5 over the whole palette.
    const uniform = runs.map((run, index) => ({
      ...run,
      finalEntropy: { step: 0, perHead: [[1.917 + 1e-5 * index, 1.917]] },
    }));
    const spec = JSON.stringify(headEntropyHeatmapSpec(uniform));
    const domain = /"domain":\[([^\]]+)\]/.exec(spec)?.[1]?.split(',').map(Number) ?? [];
    expect(domain).toHaveLength(2);
    expect((domain[1] ?? 0) - (domain[0] ?? 0)).toBeCloseTo(0.01, 9);
    expect(legendFormat(JSON.parse(spec) as object)).toBe('.3f');
  });

  it('throws, naming the count, when no run has a head-entropy matrix', () => {
    const withoutMatrices = runs.map(({ finalEntropy: _dropped, ...run }) => ({ ...run, entropy: [] }));
    expect(() => headEntropyHeatmapSpec(withoutMatrices)).toThrow('none of the 4 runs has a final head-entropy matrix');
  });
});
