import { describe, expect, it } from 'vitest';
import figure1 from './__fixtures__/figure1-head-entropy.json' with { type: 'json' };
import { layerMeans, maxCausalEntropy, overloadBins } from './entropy-bins.js';

const labels = ['SM+LN+G', 'SM+LN+R', 'SM+G', 'SM+R'] as const;
const matrices = labels.map((label) => figure1.matrices[label]);

describe("overloadBins on the paper's Figure 1 matrices (paper-reference Appendix A)", () => {
  const bins = overloadBins(matrices);

  it('takes Max as the largest head over all four models (3.87, SM+R L0 H4)', () => {
    expect(bins.max).toBe(3.87);
  });

  it('reproduces Figure 2a: the §6.5 "Max = 3.87" column to 0.05 percentage points', () => {
    const expected = [
      [4.2, 13.9, 73.6, 8.3],
      [5.6, 16.7, 74.3, 3.5],
      [1.4, 18.1, 22.9, 57.6],
      [2.8, 20.1, 54.9, 22.2],
    ];
    bins.percentages.forEach((row, model) =>
      row.forEach((value, bin) => expect(Math.abs(value - expected[model]![bin]!)).toBeLessThan(0.05)),
    );
  });

  it('shows entropic overload: 58 % of SM+G heads in the top bin against 22 % for SM+R (rounded)', () => {
    expect(Math.round(bins.percentages[2]![3])).toBe(58);
    expect(Math.round(bins.percentages[3]![3])).toBe(22);
    expect(bins.counts[2]!.reduce((a, b) => a + b)).toBe(144);
  });
});

describe('layerMeans', () => {
  it("gives §6.6's SM+G layer means (to 0.005)", () => {
    const expected = [3.16, 3.24, 3.23, 3.34, 3.5, 3.5, 3.32, 2.91, 1.81, 1.88, 1.96, 1.87];
    layerMeans(figure1.matrices['SM+G']).forEach((value, layer) =>
      expect(Math.abs(value - expected[layer]!)).toBeLessThan(0.005),
    );
  });
});

describe('maxCausalEntropy', () => {
  it('is ln(128!)/128 = 3.878 at T = 128 and mean ln i = 1.3256 at T = 8', () => {
    expect(maxCausalEntropy(128)).toBeCloseTo(3.878, 3);
    expect(maxCausalEntropy(8)).toBeCloseTo(1.3256, 4);
  });
});
