/**
 * Parsers for command-line values. Each throws commander's `InvalidArgumentError` with a message
 * that names the offending value (and, where there is one, the closest known name), so commander
 * prints `error: option '--configs <ids>' argument 'sm-lnr' is invalid. unknown configuration …`.
 */
import { InvalidArgumentError } from 'commander';
import {
  builtinActivationKinds,
  closest,
  experimentConfigurations,
  presets,
  type ActivationSchedule,
  type ActivationSpec,
  type NormType,
} from '@normfree/core';

export const backendNames = ['wasm', 'cpu', 'webgpu', 'tensorflow'] as const;
export type CliBackendName = (typeof backendNames)[number];

function didYouMean(word: string, known: readonly string[]): string {
  const suggestion = closest(word, known);
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}

/** A positive integer, e.g. `--steps 300`. */
export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  }
  return number;
}

/** A non-negative integer, e.g. `--seed 0`. */
export function parseNonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(`expected a non-negative integer, got '${value}'`);
  }
  return number;
}

/** A finite positive number, e.g. `--lr 1e-3`. */
export function parsePositiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(`expected a positive number, got '${value}'`);
  }
  return number;
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
  const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidArgumentError(`expected a comma list of configuration ids, got '${value}'; known: ${known.join(', ')}`);
  for (const id of ids) {
    if (!known.includes(id)) {
      throw new InvalidArgumentError(`unknown configuration '${id}'${didYouMean(id, known)}; known: ${known.join(', ')}`);
    }
  }
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) throw new InvalidArgumentError(`configuration '${duplicate}' is listed twice in '${value}'`);
  return ids;
}

/** One configuration id, e.g. `--config sm-g`. */
export function parseConfiguration(value: string): string {
  const [id] = parseConfigurationList(value);
  if (id === undefined || value.includes(',')) throw new InvalidArgumentError(`expected one configuration id, got '${value}'`);
  return id;
}

/** A comma list of distinct non-negative integer seeds, e.g. `1337,1338`. */
export function parseSeedList(value: string): number[] {
  const seeds = value.split(',').map((seed) => seed.trim()).filter((seed) => seed !== '');
  if (seeds.length === 0) throw new InvalidArgumentError(`expected a comma list of seeds, got '${value}'`);
  const numbers = seeds.map((seed) => {
    const number = Number(seed);
    if (!/^\d+$/.test(seed) || !Number.isSafeInteger(number) || number > 0xffffffff) {
      throw new InvalidArgumentError(`seed '${seed}' is not an integer in [0, 4294967295]`);
    }
    return number;
  });
  const duplicate = numbers.find((seed, index) => numbers.indexOf(seed) !== index);
  if (duplicate !== undefined) throw new InvalidArgumentError(`seed ${duplicate} is listed twice in '${value}'`);
  return numbers;
}

/** A backend name. */
export function parseBackend(value: string): CliBackendName {
  if (!(backendNames as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`unknown backend '${value}'${didYouMean(value, backendNames)}; known: ${backendNames.join(', ')}`);
  }
  return value as CliBackendName;
}

/** `layernorm` or `none` (`ln` and `free` are accepted as the paper's shorthand). */
export function parseNorm(value: string): NormType {
  if (value === 'layernorm' || value === 'ln') return 'layernorm';
  if (value === 'none' || value === 'free') return 'none';
  throw new InvalidArgumentError(`unknown norm '${value}'${didYouMean(value, ['layernorm', 'none'])}; known: layernorm (ln), none (free)`);
}

function parseOneActivation(text: string): ActivationSpec {
  const [kind = '', ...parameters] = text.split(':');
  const number = (parameter: string | undefined, what: string): number => {
    const value = Number(parameter);
    if (parameter === undefined || parameter.trim() === '' || !Number.isFinite(value)) {
      throw new InvalidArgumentError(`activation '${text}': ${what} must be a number, got '${parameter ?? ''}'`);
    }
    return value;
  };
  const noParameters = (): void => {
    if (parameters.length > 0) throw new InvalidArgumentError(`activation '${text}': '${kind}' takes no parameters`);
  };
  switch (kind) {
    case 'gelu':
    case 'gelu-tanh':
    case 'relu':
    case 'identity':
      noParameters();
      return { kind };
    case 'leaky-relu':
      // The slope is always explicit: tf.leakyRelu would silently use 0.2 (style.md §2).
      if (parameters.length !== 1) throw new InvalidArgumentError(`activation '${text}': write leaky-relu:<slope>, e.g. leaky-relu:0.01`);
      return { kind, slope: number(parameters[0], 'the slope') };
    case 'learnable-leaky-relu': {
      const [mode = 'per-layer', initial] = parameters;
      if (parameters.length > 2) throw new InvalidArgumentError(`activation '${text}': write learnable-leaky-relu:<per-layer|global|global-authors>[:<initial slope>]`);
      const initialSlope = initial === undefined ? 0.01 : number(initial, 'the initial slope');
      if (mode === 'per-layer' || mode === 'global') return { kind, mode, initialSlope };
      if (mode === 'global-authors') return { kind, mode: 'global', initialSlope, authorsGlobal: true };
      throw new InvalidArgumentError(`activation '${text}': unknown mode '${mode}'${didYouMean(mode, ['per-layer', 'global', 'global-authors'])}; known: per-layer, global, global-authors`);
    }
    default:
      throw new InvalidArgumentError(`unknown activation '${kind}'${didYouMean(kind, builtinActivationKinds)}; known: ${builtinActivationKinds.join(', ')}`);
  }
}

/**
 * An activation for every layer, or a per-layer schedule written like core's `describeActivation`:
 * `gelu`, `leaky-relu:0.1`, `learnable-leaky-relu:per-layer[:0.01]`, `gelu*2+relu*2` (hybrid; the
 * counts must add up to nLayer, which the model validation checks).
 */
export function parseActivation(value: string): ActivationSchedule {
  const parts = value.split('+').map((part) => part.trim());
  if (parts.length === 1 && !/[*×]\d+$/.test(parts[0] ?? '')) return parseOneActivation(parts[0] ?? '');
  const schedule: ActivationSpec[] = [];
  for (const part of parts) {
    const match = /^(.*?)(?:[*×](\d+))?$/.exec(part);
    const spec = parseOneActivation(match?.[1] ?? part);
    const count = match?.[2] === undefined ? 1 : Number(match[2]);
    if (count < 1) throw new InvalidArgumentError(`activation '${value}': repeat count must be ≥ 1 in '${part}'`);
    for (let index = 0; index < count; index++) schedule.push(spec);
  }
  return schedule;
}
