import { describe, expect, it } from 'vitest';
import { splitByFile } from './split-by-file.js';

describe('splitByFile', () => {
  it('should be deterministic for a seed and differ across seeds', () => {
    const first = splitByFile({ fileCount: 100, validationFraction: 0.1, seed: 0 });
    expect(splitByFile({ fileCount: 100, validationFraction: 0.1, seed: 0 })).toEqual(first);
    expect(splitByFile({ fileCount: 100, validationFraction: 0.1, seed: 1 }).validation).not.toEqual(first.validation);
  });

  it('should give disjoint sides that cover every file, sorted', () => {
    const { train, validation } = splitByFile({ fileCount: 638, validationFraction: 0.05, seed: 0 });
    expect(validation).toHaveLength(32);
    expect(train).toHaveLength(606);
    const all = new Set([...train, ...validation]);
    expect(all.size).toBe(638);
    expect([...train]).toEqual([...train].sort((a, b) => a - b));
  });

  it('should hold out at least one file for a positive fraction, none for zero', () => {
    expect(splitByFile({ fileCount: 5, validationFraction: 0.01, seed: 0 }).validation).toHaveLength(1);
    expect(splitByFile({ fileCount: 5, validationFraction: 0, seed: 0 }).validation).toHaveLength(0);
  });

  it('should reject a bad fraction or a split with no training file, naming the values', () => {
    expect(() => splitByFile({ fileCount: 5, validationFraction: 1, seed: 0 })).toThrow(
      /validationFraction 1 must be in \[0, 1\)/,
    );
    expect(() => splitByFile({ fileCount: 1, validationFraction: 0.5, seed: 0 })).toThrow(
      /validationFraction 0\.5 of 1 files leaves no training file/,
    );
  });
});
