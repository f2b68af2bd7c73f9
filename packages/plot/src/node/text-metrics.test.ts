import { describe, expect, it } from 'vitest';
import { renderSvg } from './render.js';
import { dejaVuTextWidth } from './text-metrics.js';

describe('DejaVu Sans text metrics', () => {
  it("gives the fonts' advance widths (digits 0.6362 em regular, 0.6958 em bold)", () => {
    expect(dejaVuTextWidth('00', 10, false)).toBeCloseTo(12.724, 3);
    expect(dejaVuTextWidth('0', 10, true)).toBeCloseTo(6.958, 3);
    expect(dejaVuTextWidth('SM+LN+G', 10, false)).toBeLessThan(0.8 * 7 * 10); // vega's estimate
  });

  it("lays out a long title at its real width, not vega's 0.8 em per character estimate", async () => {
    const title = 'i'.repeat(200); // 'i' is 0.2778 em wide: estimate 0.8 × 200 × 20 = 3200 px, real ≈ 1111 px
    const svg = await renderSvg({
      title: { text: title, fontSize: 20 },
      data: { values: [{ x: 1 }] },
      mark: 'point',
      width: 50,
      height: 50,
      encoding: { x: { field: 'x', type: 'quantitative' } },
    });
    const width = Number(/<svg[^>]*width="(\d+)"/.exec(svg)?.[1]);
    expect(width).toBeGreaterThan(1000);
    expect(width).toBeLessThan(1400);
  });
});
