/**
 * One message style for every file normfree reads and checks with a schema (zod, `zod/mini` in
 * browser-shared code): `<source>: field "<path>" must be <expected>, got <value>`, or
 * `<source>: missing field "<path>" (<expected>)` when the field is absent.
 *
 * The formatter reads a zod error's issues structurally ({@link SchemaIssue}), so core itself
 * neither imports nor depends on zod: packages that validate bring their own copy.
 *
 * A schema names what it expects with its `error` parameter (`z.int({ error: 'an integer ≥ 1' })`,
 * the text after "must be"); without one, the text is derived from the issue (`a string`,
 * `"a" or "b"`, `≥ 1`).
 */

/** The fields of a zod issue (zod 4, `zod` and `zod/mini`) that the formatter reads. */
export interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** `invalid_type`: the expected type (`string`, `number`, `int`, `object`, `array`, …). */
  readonly expected?: string;
  /** `invalid_value`: the allowed values. */
  readonly values?: readonly unknown[];
  /** `too_small` / `too_big`: the bound, whether it is allowed, and what was measured. */
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly origin?: string;
  /** `invalid_format`: the regular expression a string must match. */
  readonly pattern?: string;
}

/** A failed schema check: a zod error, or anything with its `issues`. */
export interface SchemaErrorLike {
  readonly issues: readonly SchemaIssue[];
}

/**
 * A value as an error message shows it: numbers as written (`NaN`, `2.5`: JSON would print NaN as
 * `null`), anything else as its JSON cut to 80 characters, and what JSON cannot write (undefined, a
 * function, a symbol) by its type.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  const text = JSON.stringify(value) as string | undefined;
  return text === undefined ? typeof value : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A field path as messages show it: `splits.train.shards[0].file`, `model.vocab["a b"]`, `(root)`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text === '' ? '(root)' : text;
}

/** The value at `path` in `input`, or undefined where the path leaves it. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const articles: Record<string, string> = {
  int: 'an integer',
  object: 'an object',
  array: 'an array',
  undefined: 'absent',
  null: 'null',
};

/** Zod's own messages (no `error` given): zod/mini has no locale loaded and says only "Invalid input". */
const defaultMessage = /^(Invalid|Too (small|big)|Unrecognized|Expected)\b/;

/** What an issue says was expected, as the words after "must be". */
export function describeExpected(issue: SchemaIssue): string {
  if (!defaultMessage.test(issue.message)) return issue.message; // the schema's own words
  switch (issue.code) {
    case 'invalid_type':
      return articles[issue.expected ?? ''] ?? `a ${issue.expected ?? 'valid value'}`;
    case 'invalid_value': {
      const values = (issue.values ?? []).map((value) => describeValue(value));
      return values.length <= 1
        ? (values[0] ?? 'a valid value')
        : `${values.slice(0, -1).join(', ')} or ${values.at(-1)!}`;
    }
    case 'too_small':
      return `${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'too_big':
      return `${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}${issue.origin === 'array' ? ' items' : ''}`;
    case 'invalid_format':
      return issue.pattern === undefined ? 'a valid string' : `a string matching ${issue.pattern}`;
    default:
      return 'a valid value';
  }
}

/**
 * The message of a failed schema check, in the project's style, for its first issue.
 *
 * @param error - the zod error (or its issues).
 * @param input - the value that was checked (the parsed file), read at the issue's path.
 * @param source - where the value came from (a path or URL), at the start of the message.
 * @returns `<source>: field "<path>" must be <expected>, got <value>`, or
 *   `<source>: missing field "<path>" (<expected>)` when the value there is absent.
 */
export function formatSchemaError(error: SchemaErrorLike, input: unknown, source: string): string {
  const issue = error.issues[0];
  if (issue === undefined) return `${source}: invalid (no issue reported)`;
  const path = formatFieldPath(issue.path);
  const value = valueAt(input, issue.path);
  const expected = describeExpected(issue);
  return value === undefined
    ? `${source}: missing field "${path}" (${expected})`
    : `${source}: field "${path}" must be ${expected}, got ${describeValue(value)}`;
}
