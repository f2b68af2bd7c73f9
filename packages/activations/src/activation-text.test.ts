import { afterEach, describe, expect, it } from 'vitest';
import { parseActivationText, registerActivation, unregisterActivation } from './registry.js';
import { createRecordingActivationFactory } from './testing/index.js';

afterEach(() => {
  unregisterActivation('test-scaled');
});

describe('parseActivationText', () => {
  it('should parse plain, fixed-slope and learnable activations', () => {
    expect(parseActivationText('relu')).toEqual({ kind: 'relu' });
    expect(parseActivationText('leaky-relu:0.1')).toEqual({ kind: 'leaky-relu', slope: 0.1 });
    expect(parseActivationText('learnable-leaky-relu:per-layer')).toEqual({
      kind: 'learnable-leaky-relu',
      mode: 'per-layer',
      initialSlope: 0.01,
    });
    expect(parseActivationText('learnable-leaky-relu:global:0.05')).toEqual({
      kind: 'learnable-leaky-relu',
      mode: 'global',
      initialSlope: 0.05,
    });
    expect(parseActivationText('learnable-leaky-relu:global-authors')).toEqual({
      kind: 'learnable-leaky-relu',
      mode: 'global',
      initialSlope: 0.01,
      authorsGlobal: true,
    });
  });

  it('should expand a per-layer schedule', () => {
    expect(parseActivationText('gelu*2+relu')).toEqual([{ kind: 'gelu' }, { kind: 'gelu' }, { kind: 'relu' }]);
    expect(parseActivationText('gelu×1+leaky-relu:0.01*2')).toEqual([
      { kind: 'gelu' },
      { kind: 'leaky-relu', slope: 0.01 },
      { kind: 'leaky-relu', slope: 0.01 },
    ]);
  });

  it('should refuse a leaky ReLU without its slope (TF.js would use 0.2) and unknown kinds with a suggestion', () => {
    expect(() => parseActivationText('leaky-relu')).toThrow('write leaky-relu:<slope>');
    expect(() => parseActivationText('leaky-relu:abc')).toThrow("the slope must be a number, got 'abc'");
    expect(() => parseActivationText('rellu')).toThrow("unknown activation 'rellu' (did you mean 'relu'?)");
    expect(() => parseActivationText('learnable-leaky-relu:per-leyer')).toThrow("did you mean 'per-layer'?");
    expect(() => parseActivationText('gelu:1')).toThrow("'gelu' takes no parameters");
  });

  it('should read a plug-in once it is registered, with its own parameter parser', () => {
    expect(() => parseActivationText('test-scaled')).toThrow("unknown activation 'test-scaled'");
    registerActivation('test-scaled', createRecordingActivationFactory(), {
      parse: (parameters, text) => {
        const factor = Number(parameters[0] ?? '1');
        if (!Number.isFinite(factor)) throw new Error(`activation '${text}': the factor must be a number`);
        return { kind: 'test-scaled', factor };
      },
    });
    expect(parseActivationText('test-scaled:3')).toEqual({ kind: 'test-scaled', factor: 3 });
    expect(parseActivationText('gelu+test-scaled*2')).toEqual([
      { kind: 'gelu' },
      { kind: 'test-scaled', factor: 1 },
      { kind: 'test-scaled', factor: 1 },
    ]);
    expect(() => parseActivationText('test-scaled:x')).toThrow('the factor must be a number');
  });

  it('should write a plug-in registered without a parser as its bare kind', () => {
    registerActivation('test-scaled', createRecordingActivationFactory());
    expect(parseActivationText('test-scaled')).toEqual({ kind: 'test-scaled' });
    expect(() => parseActivationText('test-scaled:2')).toThrow("'test-scaled' takes no parameters");
  });
});
