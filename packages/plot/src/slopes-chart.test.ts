import { describe, expect, it } from 'vitest';
import { slopeRows, slopesSpec } from './slopes-chart.js';
import { paperExampleRuns } from './testing/index.js';

describe('slopesSpec (Figure 3)', () => {
  it('draws one curve per layer for per-layer slopes, with a rule at 0', () => {
    const runs = paperExampleRuns({ extras: true, steps: 1000 });
    const rows = slopeRows(runs);
    expect(new Set(rows.map((row) => row.panel))).toEqual(new Set(['SM+LLR(layer)']));
    expect(new Set(rows.map((row) => row.series)).size).toBe(12);
    expect(JSON.stringify(slopesSpec(runs))).toContain('"type":"rule"');
  });

  it('draws one "Global" curve when each log has one slope, and reads step logs when there are no slope logs', () => {
    const run = {
      ...paperExampleRuns()[3]!,
      steps: [1, 2].map(
        (step) =>
          ({
            type: 'step',
            step,
            loss: 1,
            learningRate: 1,
            gradNorm: 1,
            tokensPerSecond: 1,
            msPerStep: 1,
            tokens: 1,
            slopes: [0.01 * step],
          }) as const,
      ),
    };
    expect(slopeRows([run]).map((row) => [row.series, row.step, row.value])).toEqual([
      ['Global', 1, 0.01],
      ['Global', 2, 0.02],
    ]);
  });

  it('throws when no run has slopes', () => {
    expect(() => slopesSpec(paperExampleRuns())).toThrow('none of the 4 runs has learnable-slope logs');
  });
});
