import { describe, expect, it } from 'vitest';
import { configurationStyles, tab10 } from './palette.js';

describe('configurationStyles', () => {
  it('keeps C0–C3 and o/s/D/^ for the paper\'s four whatever else is drawn, C4… for the rest', () => {
    const styles = configurationStyles(['sm-llr-layer', 'sm-r', 'sm-ln-g', 'sm-lrelu-0.1']);
    expect(styles.map((style) => style.color)).toEqual([tab10[4], tab10[3], tab10[0], tab10[5]]);
    expect(styles[1]!.shape).toBe('triangle-up');
    expect(styles[2]!.shape).toBe('circle');
  });
});
