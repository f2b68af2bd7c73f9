import { describe, expect, it } from 'vitest';
import { checkInteger } from './check-integer.js';

class ConfigLikeError extends Error {}

describe('checkInteger', () => {
  it('returns integers within the bounds', () => {
    expect(checkInteger('steps', 1, { min: 1 })).toBe(1);
    expect(checkInteger('seed', -4)).toBe(-4);
    expect(checkInteger('index', 8, { min: 0, max: 8 })).toBe(8);
  });

  it.each([
    ['train: steps', 0, { min: 1 }, 'train: steps must be a positive integer, got 0'],
    ['train: steps', 2.5, { min: 1 }, 'train: steps must be a positive integer, got 2.5'],
    ['step', -1, { min: 0 }, 'step must be a non-negative integer, got -1'],
    ['maxDistinct', 1, { min: 2 }, 'maxDistinct must be an integer ≥ 2, got 1'],
    ['index', 9, { min: 0, max: 8 }, 'index must be an integer in [0, 8], got 9'],
    ['seed', Number.NaN, {}, 'seed must be an integer, got NaN'],
    ['seed', '3', {}, 'seed must be an integer, got "3"'],
    ['seed', undefined, {}, 'seed must be an integer, got undefined'],
  ])('rejects %s = %j with a message naming both', (name, value, options, message) => {
    expect(() => checkInteger(name, value, options)).toThrow(RangeError);
    expect(() => checkInteger(name, value, options)).toThrow(message);
  });

  it('throws the error class it is given', () => {
    expect(() => checkInteger('step', -1, { min: 0, error: ConfigLikeError })).toThrow(ConfigLikeError);
  });
});
