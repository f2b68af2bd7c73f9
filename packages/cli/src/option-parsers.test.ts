import { describe, expect, it } from 'vitest';
import {
  parseChoiceList,
  parseConfigurationList,
  parseNonNegativeInteger,
  parseNorm,
  parsePositiveInteger,
  parsePositiveIntegerList,
  parseSeedList,
} from './option-parsers.js';

describe('integer parsers', () => {
  it('should accept decimal digits (spaces around them allowed) and name any other value', () => {
    expect(parsePositiveInteger('300')).toBe(300);
    expect(parsePositiveInteger(' 7 ')).toBe(7);
    for (const value of ['0', '-1', '1.5', '1e3', '0x10', '', '9007199254740993']) {
      expect(() => parsePositiveInteger(value)).toThrow(`expected a positive integer, got '${value}'`);
    }
    expect(parseNonNegativeInteger('0')).toBe(0);
    expect(() => parseNonNegativeInteger('-1')).toThrow("expected a non-negative integer, got '-1'");
  });

  it('should parse comma lists of positive integers, naming the bad item', () => {
    expect(parsePositiveIntegerList('1, 2')).toEqual([1, 2]);
    expect(() => parsePositiveIntegerList('1,x')).toThrow("expected a positive integer, got 'x'");
  });

  it('should keep seeds within 32 bits', () => {
    expect(parseSeedList('0,4294967295')).toEqual([0, 4294967295]);
    expect(() => parseSeedList('4294967296')).toThrow("seed '4294967296' is not an integer in [0, 4294967295]");
  });
});

describe('choice list parser', () => {
  it('should accept known names and name an unknown or missing one', () => {
    const parse = parseChoiceList(['wasm', 'cpu'] as const, 'backend');
    expect(parse('wasm, cpu')).toEqual(['wasm', 'cpu']);
    expect(() => parse('wasm,gpu')).toThrow("unknown backend 'gpu'; known: wasm, cpu");
    expect(() => parse(' , ')).toThrow("expected a comma list of backends, got ' , '");
  });
});

describe('list parsers', () => {
  it('should parse configuration and seed lists and refuse duplicates', () => {
    expect(parseConfigurationList('sm-ln-g, sm-r')).toEqual(['sm-ln-g', 'sm-r']);
    expect(() => parseConfigurationList('sm-r,sm-r')).toThrow("configuration 'sm-r' is listed twice");
    expect(parseSeedList('1337,1338')).toEqual([1337, 1338]);
    expect(() => parseSeedList('-1')).toThrow("seed '-1' is not an integer");
  });

  it("should accept the paper's norm shorthand", () => {
    expect(parseNorm('free')).toBe('none');
    expect(parseNorm('ln')).toBe('layernorm');
    expect(() => parseNorm('rms')).toThrow("unknown norm 'rms'");
  });
});
