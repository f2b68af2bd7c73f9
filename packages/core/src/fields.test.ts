import { describe, expect, expectTypeOf, it } from 'vitest';
import { definedFields } from './fields.js';

describe('definedFields', () => {
  it('keeps the defined fields, in order, and drops the undefined ones', () => {
    const signal: AbortSignal | undefined = undefined;
    const result = definedFields({ seed: 7, signal, label: 'run', zero: 0, empty: '', none: null });
    expect(result).toEqual({ seed: 7, label: 'run', zero: 0, empty: '', none: null });
    expect(Object.keys(result)).toEqual(['seed', 'label', 'zero', 'empty', 'none']);
    expect('signal' in result).toBe(false);
  });

  it('returns a new object and leaves its argument alone', () => {
    const fields = { a: 1, b: undefined };
    const result = definedFields(fields);
    expect(result).not.toBe(fields);
    expect(fields).toEqual({ a: 1, b: undefined });
  });

  it('types possibly-undefined keys as optional so they fit exactOptionalPropertyTypes targets', () => {
    const maybe = 3 as number | undefined;
    const result = definedFields({ always: 'x', maybe });
    expectTypeOf(result.always).toEqualTypeOf<string>();
    const target: { always: string; maybe?: number } = result; // would not compile with `maybe: number | undefined`
    expect(target).toEqual({ always: 'x', maybe: 3 });
  });
});
