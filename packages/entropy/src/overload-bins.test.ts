import { describe, expect, it } from 'vitest';
import figure1 from '../../core/src/__fixtures__/figure1-head-entropy.json' with { type: 'json' };
import { layerMeans, overloadBins } from './index.js';

describe('overloadBins (re-exported from core)', () => {
  it("bins the paper's four Figure 1 matrices with one Max = 3.87 and reproduces Figure 2a's SM+G overload (58 %)", () => {
    const matrices = (['SM+LN+G', 'SM+LN+R', 'SM+G', 'SM+R'] as const).map((label) => figure1.matrices[label]);
    const bins = overloadBins(matrices);
    expect(bins.max).toBe(3.87);
    expect(bins.percentages.map((row) => Math.round(row[3]))).toEqual([8, 3, 58, 22]);
  });

  it('gives the §6.6 SM+LN+G layer-0 mean 3.06 through layerMeans (to 0.005)', () => {
    expect(Math.abs(layerMeans(figure1.matrices['SM+LN+G'])[0]! - 3.06)).toBeLessThan(0.005);
  });
});
