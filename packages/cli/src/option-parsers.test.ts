import { describe, expect, it } from 'vitest';
import { parseConfigurationList, parseNorm, parseSeedList } from './option-parsers.js';

describe('list parsers', () => {
  it('should parse configuration and seed lists and refuse duplicates', () => {
    expect(parseConfigurationList('sm-ln-g, sm-r')).toEqual(['sm-ln-g', 'sm-r']);
    expect(() => parseConfigurationList('sm-r,sm-r')).toThrow("configuration 'sm-r' is listed twice");
    expect(parseSeedList('1337,1338')).toEqual([1337, 1338]);
    expect(() => parseSeedList('-1')).toThrow("seed '-1' is not an integer");
  });

  it('should accept the paper\'s norm shorthand', () => {
    expect(parseNorm('free')).toBe('none');
    expect(parseNorm('ln')).toBe('layernorm');
    expect(() => parseNorm('rms')).toThrow("unknown norm 'rms'");
  });
});
