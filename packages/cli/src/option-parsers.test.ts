import { describe, expect, it } from 'vitest';
import { parseActivation, parseConfigurationList, parseNorm, parseSeedList } from './option-parsers.js';

describe('parseActivation', () => {
  it('should parse plain, fixed-slope and learnable activations', () => {
    expect(parseActivation('relu')).toEqual({ kind: 'relu' });
    expect(parseActivation('leaky-relu:0.1')).toEqual({ kind: 'leaky-relu', slope: 0.1 });
    expect(parseActivation('learnable-leaky-relu:per-layer')).toEqual({ kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.01 });
    expect(parseActivation('learnable-leaky-relu:global:0.05')).toEqual({ kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.05 });
    expect(parseActivation('learnable-leaky-relu:global-authors')).toEqual({ kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.01, authorsGlobal: true });
  });

  it('should expand a per-layer schedule', () => {
    expect(parseActivation('gelu*2+relu')).toEqual([{ kind: 'gelu' }, { kind: 'gelu' }, { kind: 'relu' }]);
    expect(parseActivation('gelu×1+leaky-relu:0.01*2')).toEqual([{ kind: 'gelu' }, { kind: 'leaky-relu', slope: 0.01 }, { kind: 'leaky-relu', slope: 0.01 }]);
  });

  it('should refuse a leaky ReLU without its slope (TF.js would use 0.2) and unknown kinds with a suggestion', () => {
    expect(() => parseActivation('leaky-relu')).toThrow('write leaky-relu:<slope>');
    expect(() => parseActivation('leaky-relu:abc')).toThrow("the slope must be a number, got 'abc'");
    expect(() => parseActivation('rellu')).toThrow("unknown activation 'rellu' (did you mean 'relu'?)");
    expect(() => parseActivation('learnable-leaky-relu:per-leyer')).toThrow("did you mean 'per-layer'?");
  });
});

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
