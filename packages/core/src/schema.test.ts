import { describe, expect, it } from 'vitest';
import { describeExpected, describeValue, formatFieldPath, formatSchemaError, type SchemaIssue } from './schema.js';

/** An issue as zod/mini reports it (no locale loaded: "Invalid input" unless the schema named it). */
const issue = (fields: Partial<SchemaIssue> & Pick<SchemaIssue, 'code' | 'path'>): SchemaIssue => ({
  message: 'Invalid input',
  ...fields,
});

describe('formatSchemaError', () => {
  const input = { splits: { train: { shards: [{ file: 7 }] } }, limits: {} };

  it("should name the source, the field path and the value, with the schema's own words", () => {
    const error = {
      issues: [issue({ code: 'invalid_type', path: ['splits', 'train', 'shards', 0, 'file'], message: 'a file name' })],
    };
    expect(formatSchemaError(error, input, 'm.json')).toBe(
      'm.json: field "splits.train.shards[0].file" must be a file name, got 7',
    );
  });

  it('should say a field is missing when the input has no value there', () => {
    const error = { issues: [issue({ code: 'invalid_type', path: ['limits', 'maxFiles'], expected: 'int' })] };
    expect(formatSchemaError(error, input, 'm.json')).toBe('m.json: missing field "limits.maxFiles" (an integer)');
  });

  it('should call the whole value (root) and cut long values to 80 characters', () => {
    const long = 'x'.repeat(200);
    const message = formatSchemaError(
      { issues: [issue({ code: 'invalid_type', path: [], expected: 'object' })] },
      long,
      'a.json',
    );
    expect(message).toBe(`a.json: field "(root)" must be an object, got "${'x'.repeat(76)}...`);
  });
});

describe('describeExpected', () => {
  it("should derive the expectation from zod's issue when the schema gave no words", () => {
    expect(describeExpected(issue({ code: 'invalid_type', path: [], expected: 'string' }))).toBe('a string');
    expect(describeExpected(issue({ code: 'invalid_value', path: [], values: ['a', 'b', 'c'] }))).toBe(
      '"a", "b" or "c"',
    );
    expect(
      describeExpected(issue({ code: 'too_small', path: [], minimum: 1, inclusive: true, origin: 'number' })),
    ).toBe('≥ 1');
    expect(describeExpected(issue({ code: 'too_big', path: [], maximum: 1, inclusive: false, origin: 'number' }))).toBe(
      '< 1',
    );
  });
});

describe('formatFieldPath', () => {
  it('should write keys that are not identifiers in brackets', () => {
    expect(formatFieldPath(['model', 'vocab', 'a b', 3])).toBe('model.vocab["a b"][3]');
  });
});

describe('describeValue', () => {
  it('should write numbers as they are (NaN is not JSON null), the rest as JSON cut to 80 characters', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(2.5)).toBe('2.5');
    expect(describeValue('4')).toBe('"4"');
    expect(describeValue(undefined)).toBe('undefined');
    const long = describeValue('x'.repeat(200));
    expect(long).toHaveLength(80);
    expect(long.endsWith('...')).toBe(true);
  });
});
