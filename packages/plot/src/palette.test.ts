import { describe, expect, it } from 'vitest';
import { configurationStyles, tab10, viridisColors } from './palette.js';

describe('configurationStyles', () => {
  it("keeps C0–C3 and o/s/D/^ for the paper's four whatever else is drawn, C4… for the rest", () => {
    const styles = configurationStyles(['sm-llr-layer', 'sm-r', 'sm-ln-g', 'sm-lrelu-0.1']);
    expect(styles.map((style) => style.color)).toEqual([tab10[4], tab10[3], tab10[0], tab10[5]]);
    expect(styles[1]!.shape).toBe('triangle-up');
    expect(styles[2]!.shape).toBe('circle');
  });
});

describe('viridisColors', () => {
  it("samples viridis at linspace(0, 1, n): dark purple first, yellow last, as the authors' plots", () => {
    expect(viridisColors(12)[0]).toBe('#440154');
    expect(viridisColors(12)[11]).toBe('#fde725');
    expect(viridisColors(3)[1]).toBe('#21908d');
    expect(viridisColors(1)).toEqual(['#440154']);
  });
});
