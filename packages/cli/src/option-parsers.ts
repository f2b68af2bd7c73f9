/**
 * Parsers for command-line values. Each throws commander's `InvalidArgumentError` with a message
 * that names the offending value (and, where there is one, the closest known name), so commander
 * prints `error: option '--configs <ids>' argument 'sm-lnr' is invalid. unknown configuration …`.
 * Every integer flag of every command goes through {@link readInteger}, the one integer check here.
 */
import { InvalidArgumentError } from 'commander';
import { closest, experimentConfigurations, presets, type NormType } from '@normfree/core';
import type { OverrideValueKind } from '@normfree/experiment';

function didYouMean(word: string, known: readonly string[]): string {
  const suggestion = closest(word, known);
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}

/**
 * The integer that `value` spells in decimal digits (spaces around them allowed), or undefined when it
 * spells something else (a sign, a fraction, an exponent) or a number outside [minimum, maximum].
 */
function readInteger(value: string, range: { minimum: number; maximum?: number }): number | undefined {
  const number = Number(value);
  const maximum = range.maximum ?? Number.MAX_SAFE_INTEGER;
  const isInteger = /^\s*\d+\s*$/.test(value) && Number.isSafeInteger(number);
  return isInteger && number >= range.minimum && number <= maximum ? number : undefined;
}

/** A positive integer, e.g. `--steps 300`. */
export function parsePositiveInteger(value: string): number {
  const number = readInteger(value, { minimum: 1 });
  if (number === undefined) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return number;
}

/** A non-negative integer, e.g. `--seed 0`. */
export function parseNonNegativeInteger(value: string): number {
  const number = readInteger(value, { minimum: 0 });
  if (number === undefined) throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  return number;
}

/** A comma list of positive integers, e.g. `--threads 1,2` or `--matmul-sizes 512,1024`. */
export function parsePositiveIntegerList(value: string): number[] {
  return value.split(',').map((item) => parsePositiveInteger(item.trim()));
}

/** A finite positive number, e.g. `--lr 1e-3`. */
export function parsePositiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  }
  return number;
}

/** A fraction in [0, 1), e.g. `--validation-fraction 0.05`. */
export function parseFraction(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !(number >= 0 && number < 1)) {
    throw new InvalidArgumentError(`expected a fraction in [0, 1), got '${value}'`);
  }
  return number;
}

/** A size in bytes with an optional unit (decimal: 500MB = 5·10⁸, 2GB, 64KB, or a plain count), e.g. `--max-bytes 1GB`. */
export function parseByteSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?\s*$/i.exec(value);
  const units: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
  const bytes = match === null ? Number.NaN : Number(match[1]) * units[(match[2] ?? 'B').toUpperCase()]!;
  if (!Number.isFinite(bytes) || bytes < 1)
    throw new InvalidArgumentError(`expected a size such as 500MB or 2GB, got '${value}'`);
  return Math.floor(bytes);
}

/** A preset name from core's table. */
export function parsePreset(value: string): string {
  const known = Object.keys(presets);
  if (!known.includes(value)) {
    throw new InvalidArgumentError(`unknown preset '${value}'${didYouMean(value, known)}; known: ${known.join(', ')}`);
  }
  return value;
}

/** A comma list of configuration ids from core, e.g. `sm-ln-g,sm-r`; duplicates are an error. */
export function parseConfigurationList(value: string): string[] {
  const known = experimentConfigurations.map((configuration) => configuration.id);
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0)
    throw new InvalidArgumentError(
      `expected a comma list of configuration ids, got '${value}'; known: ${known.join(', ')}`,
    );
  for (const id of ids) {
    if (!known.includes(id)) {
      throw new InvalidArgumentError(
        `unknown configuration '${id}'${didYouMean(id, known)}; known: ${known.join(', ')}`,
      );
    }
  }
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined)
    throw new InvalidArgumentError(`configuration '${duplicate}' is listed twice in '${value}'`);
  return ids;
}

/** One configuration id, e.g. `--config sm-g`. */
export function parseConfiguration(value: string): string {
  const [id] = parseConfigurationList(value);
  if (id === undefined || value.includes(','))
    throw new InvalidArgumentError(`expected one configuration id, got '${value}'`);
  return id;
}

/** A comma list of distinct non-negative integer seeds, e.g. `1337,1338`. */
export function parseSeedList(value: string): number[] {
  const seeds = value
    .split(',')
    .map((seed) => seed.trim())
    .filter((seed) => seed !== '');
  if (seeds.length === 0) throw new InvalidArgumentError(`expected a comma list of seeds, got '${value}'`);
  const numbers = seeds.map((seed) => {
    // A seed is a uint32: core's seeded generator keeps 32 bits of state (`seed >>> 0`).
    const number = readInteger(seed, { minimum: 0, maximum: 0xffffffff });
    if (number === undefined) throw new InvalidArgumentError(`seed '${seed}' is not an integer in [0, 4294967295]`);
    return number;
  });
  const duplicate = numbers.find((seed, index) => numbers.indexOf(seed) !== index);
  if (duplicate !== undefined) throw new InvalidArgumentError(`seed ${duplicate} is listed twice in '${value}'`);
  return numbers;
}

/** A name from `known` (e.g. a backend), with the closest one suggested. */
export function parseChoice<T extends string>(what: string, known: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(known as readonly string[]).includes(value))
      throw new InvalidArgumentError(
        `unknown ${what} '${value}'${didYouMean(value, known)}; known: ${known.join(', ')}`,
      );
    return value as T;
  };
}

/** A comma list of names from `known`, e.g. `--presets bench,laptop`; `what` names one of them in errors. */
export function parseChoiceList<T extends string>(known: readonly T[], what: string): (value: string) => T[] {
  return (value) => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    for (const item of items) {
      if (!(known as readonly string[]).includes(item)) {
        throw new InvalidArgumentError(`unknown ${what} '${item}'; known: ${known.join(', ')}`);
      }
    }
    if (items.length === 0) throw new InvalidArgumentError(`expected a comma list of ${what}s, got '${value}'`);
    return items as T[];
  };
}

/** `layernorm` or `none` (`ln` and `free` are accepted as the paper's shorthand). */
export function parseNorm(value: string): NormType {
  if (value === 'layernorm' || value === 'ln') return 'layernorm';
  if (value === 'none' || value === 'free') return 'none';
  throw new InvalidArgumentError(
    `unknown norm '${value}'${didYouMean(value, ['layernorm', 'none'])}; known: layernorm (ln), none (free)`,
  );
}

/**
 * The command-line parser of each kind of override value (`overrideFields` in @normfree/experiment
 * names the kind). An activation stays text here: it is read by `@normfree/activations`' registry
 * once `--activation-module` plug-ins are loaded (`parseActivationText`).
 */
export const overrideValueParsers: Record<Exclude<OverrideValueKind, 'flag'>, (value: string) => unknown> = {
  'positive-integer': parsePositiveInteger,
  'non-negative-integer': parseNonNegativeInteger,
  'positive-number': parsePositiveNumber,
  norm: parseNorm,
  activation: (value) => {
    if (value.trim() === '')
      throw new InvalidArgumentError('expected an activation, e.g. relu, leaky-relu:0.01, gelu*2+relu*2');
    return value;
  },
};
