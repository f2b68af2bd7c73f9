import { describe, expect, it } from 'vitest';
import { dropoutSeed } from './dropout-seed.js';

describe('dropoutSeed', () => {
  it('is a pure function of (seed, microStep) with distinct values for neighbouring steps and seeds', () => {
    expect(dropoutSeed(1337, 5)).toBe(dropoutSeed(1337, 5));
    const seeds = new Set(Array.from({ length: 1000 }, (_, step) => dropoutSeed(1337, step)));
    expect(seeds.size).toBe(1000);
    expect(dropoutSeed(1, 0)).not.toBe(dropoutSeed(2, 0));
    expect(Number.isInteger(dropoutSeed(1337, 0)) && dropoutSeed(1337, 0) >= 0).toBe(true);
  });

  it('rejects a negative micro-step', () => {
    expect(() => dropoutSeed(1, -1)).toThrow('microStep must be a non-negative integer, got -1');
  });
});
