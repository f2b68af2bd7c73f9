// The one integer check for options, config fields and file metadata, with the project's wording.
//
// Before issue 22 fourteen files wrote `!Number.isInteger(x) || x < 1` by hand, with four
// phrasings of the message. The wording kept here is the one most of them used:
//   min 1         -> "<name> must be a positive integer, got <value>"
//   min 0         -> "<name> must be a non-negative integer, got <value>"
//   other min     -> "<name> must be an integer ≥ <min>, got <value>"
//   min and max   -> "<name> must be an integer in [<min>, <max>], got <value>"
//   neither       -> "<name> must be an integer, got <value>"
// `name` carries the caller's prefix (`'createEntropyProbe: batchSize'`) so the message says where
// the value came from.
import { describeValue } from './schema.js';

/** Bounds and error type for {@link checkInteger}. */
export interface CheckIntegerOptions {
  /** Smallest allowed value (inclusive); no lower bound when absent. */
  readonly min?: number;
  /** Largest allowed value (inclusive); no upper bound when absent. */
  readonly max?: number;
  /** The error to throw (default `RangeError`), e.g. a package's own `ConfigError`. */
  readonly error?: new (message: string) => Error;
}

/**
 * Check that `value` is an integer within the bounds, and return it typed as a number.
 *
 * @param name - what the value is, with the caller's prefix: `'train: steps'`.
 * @param value - the value to check; anything (a parsed JSON field, a flag, an option).
 * @param options - `min`/`max` (inclusive) and the error class to throw.
 * @returns `value`, now known to be an integer in [min, max].
 * @throws `RangeError` (or `options.error`) naming `name`, the bounds and the offending value.
 * @example
 * ```ts
 * const steps = checkInteger('train: steps', options.steps, { min: 1 }); // throws on 0, 2.5, '3'
 * ```
 */
export function checkInteger(name: string, value: unknown, options: CheckIntegerOptions = {}): number {
  const { min, max, error = RangeError } = options;
  const inRange =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    (min === undefined || value >= min) &&
    (max === undefined || value <= max);
  if (inRange) return value;
  throw new error(`${name} must be ${describeIntegerRange(min, max)}, got ${describeValue(value)}`);
}

/** "a positive integer", "an integer in [0, 8]", …: the phrase after "must be". */
function describeIntegerRange(min: number | undefined, max: number | undefined): string {
  if (max !== undefined) return `an integer in [${min ?? '-∞'}, ${max}]`;
  if (min === undefined) return 'an integer';
  if (min === 1) return 'a positive integer';
  if (min === 0) return 'a non-negative integer';
  return `an integer ≥ ${min}`;
}
