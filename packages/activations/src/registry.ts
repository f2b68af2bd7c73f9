/**
 * The activation registry: kind → factory. Builtins are registered here; plug-ins call
 * {@link registerActivation} from their own package, so a new activation needs no edit elsewhere
 * (examples/custom-activation).
 */
import {
  closest,
  type ActivationSchedule,
  type ActivationSpec,
  type LeakyReluSpec,
  type LearnableLeakyReluSpec,
} from '@normfree/core';
import type { ActivationFactory } from './api.js';
import { createGelu } from './gelu.js';
import { createGeluTanh } from './gelu-tanh.js';
import { createIdentity } from './identity.js';
import { createLeakyRelu } from './leaky-relu.js';
import { createLearnableLeakyRelu } from './learnable-leaky-relu.js';
import { createRelu } from './relu.js';

/**
 * Reads the parameters of an activation written as text, `kind:p1:p2` (the part after the kind,
 * split at `:`), into a spec. Throw an Error naming the text and the offending parameter.
 */
export type ActivationTextParser = (parameters: readonly string[], text: string) => ActivationSpec;

interface RegistryEntry {
  readonly factory: ActivationFactory;
  readonly parse: ActivationTextParser;
}

function textNumber(parameter: string | undefined, what: string, text: string): number {
  const value = Number(parameter);
  if (parameter === undefined || parameter.trim() === '' || !Number.isFinite(value)) {
    throw new Error(`activation '${text}': ${what} must be a number, got '${parameter ?? ''}'`);
  }
  return value;
}

/** The text form of a kind without parameters (`gelu`, `relu`, a plug-in registered without a parser). */
function kindOnly(kind: string): ActivationTextParser {
  return (parameters, text) => {
    if (parameters.length > 0) throw new Error(`activation '${text}': '${kind}' takes no parameters`);
    return { kind };
  };
}

const learnableModes = ['per-layer', 'global', 'global-authors'];

const entries = new Map<string, RegistryEntry>([
  ['gelu', { factory: (_spec, { layer }) => createGelu({ layer }), parse: kindOnly('gelu') }],
  ['gelu-tanh', { factory: (_spec, { layer }) => createGeluTanh({ layer }), parse: kindOnly('gelu-tanh') }],
  ['relu', { factory: (_spec, { layer }) => createRelu({ layer }), parse: kindOnly('relu') }],
  ['identity', { factory: (_spec, { layer }) => createIdentity({ layer }), parse: kindOnly('identity') }],
  [
    'leaky-relu',
    {
      factory: (spec, { layer }) => createLeakyRelu({ slope: (spec as LeakyReluSpec).slope, layer }),
      // The slope is always explicit: tf.leakyRelu would silently use 0.2 (style.md §2).
      parse: (parameters, text) => {
        if (parameters.length !== 1)
          throw new Error(`activation '${text}': write leaky-relu:<slope>, e.g. leaky-relu:0.01`);
        return { kind: 'leaky-relu', slope: textNumber(parameters[0], 'the slope', text) };
      },
    },
  ],
  [
    'learnable-leaky-relu',
    {
      factory: (spec, context) => createLearnableLeakyRelu(spec as LearnableLeakyReluSpec, context),
      parse: (parameters, text) => {
        const [mode = 'per-layer', initial] = parameters;
        if (parameters.length > 2)
          throw new Error(
            `activation '${text}': write learnable-leaky-relu:<${learnableModes.join('|')}>[:<initial slope>]`,
          );
        const initialSlope = initial === undefined ? 0.01 : textNumber(initial, 'the initial slope', text);
        if (mode === 'per-layer' || mode === 'global') return { kind: 'learnable-leaky-relu', mode, initialSlope };
        if (mode === 'global-authors')
          return { kind: 'learnable-leaky-relu', mode: 'global', initialSlope, authorsGlobal: true };
        throw new Error(
          `activation '${text}': unknown mode '${mode}'${didYouMean(mode, learnableModes)}; known: ${learnableModes.join(', ')}`,
        );
      },
    },
  ],
]);
const builtinKinds = new Set(entries.keys());

function didYouMean(word: string, known: readonly string[]): string {
  const suggestion = closest(word, known);
  return suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`;
}

/** Options of {@link registerActivation}. */
export interface RegisterActivationOptions {
  /** Replace an already registered plug-in of the same kind (builtins can never be replaced). */
  readonly replace?: boolean;
  /**
   * How the kind is written as text with parameters (`--activation my-kind:0.5` on the command
   * line); without it the kind is written alone and gives `{ kind }`.
   */
  readonly parse?: ActivationTextParser;
}

/**
 * Register a new activation kind. Specs with `kind` then build through `factory` everywhere
 * ({@link createActivations}, `@normfree/transformer`'s createModel).
 *
 * @param kind - a non-empty name, e.g. `squared-relu`.
 * @param factory - builds one layer's activation from a spec and an {@link ActivationContext}.
 * @throws Error naming the kind when it is empty, a builtin, or already registered without `replace`.
 */
export function registerActivation(
  kind: string,
  factory: ActivationFactory,
  options: RegisterActivationOptions = {},
): void {
  if (typeof kind !== 'string' || kind.length === 0)
    throw new Error(`registerActivation: kind must be a non-empty string, got ${JSON.stringify(kind)}`);
  if (typeof factory !== 'function')
    throw new Error(`registerActivation('${kind}'): factory must be a function, got ${typeof factory}`);
  if (builtinKinds.has(kind))
    throw new Error(`registerActivation: '${kind}' is a builtin activation and cannot be replaced`);
  if (entries.has(kind) && options.replace !== true) {
    throw new Error(`registerActivation: '${kind}' is already registered; pass { replace: true } to replace it`);
  }
  entries.set(kind, { factory, parse: options.parse ?? kindOnly(kind) });
}

/** Remove a plug-in kind (for tests). Returns whether it was registered. Builtins cannot be removed. */
export function unregisterActivation(kind: string): boolean {
  if (builtinKinds.has(kind))
    throw new Error(`unregisterActivation: '${kind}' is a builtin activation and cannot be removed`);
  return entries.delete(kind);
}

/** Every registered kind, builtins first, then plug-ins in registration order. */
export function listActivations(): string[] {
  return [...entries.keys()];
}

/**
 * The factory of a kind.
 * @throws Error naming the unknown kind and listing the known ones.
 */
export function getActivationFactory(spec: ActivationSpec | { kind?: unknown }): ActivationFactory {
  const kind = (spec as { kind?: unknown }).kind;
  const factory = typeof kind === 'string' ? entries.get(kind)?.factory : undefined;
  if (factory === undefined) {
    throw new Error(`unknown activation kind ${JSON.stringify(kind)}; known kinds: ${listActivations().join(', ')}`);
  }
  return factory;
}

/**
 * An activation, or a per-layer schedule, written as text like core's `describeActivation`:
 * `gelu`, `leaky-relu:0.1`, `learnable-leaky-relu:per-layer[:0.01]`, a registered plug-in's kind,
 * `gelu*2+relu*2` (hybrid; the counts must add up to nLayer, which the model validation checks).
 * Every kind comes from this registry, so a plug-in is written the same way once registered.
 *
 * @throws Error naming the text and the offending part (an unknown kind lists the known ones).
 */
export function parseActivationText(text: string): ActivationSchedule {
  const parseOne = (part: string): ActivationSpec => {
    const [kind = '', ...parameters] = part.split(':');
    const entry = entries.get(kind);
    if (entry === undefined) {
      const known = listActivations();
      throw new Error(`unknown activation '${kind}'${didYouMean(kind, known)}; known: ${known.join(', ')}`);
    }
    return entry.parse(parameters, part);
  };
  const parts = text.split('+').map((part) => part.trim());
  if (parts.length === 1 && !/[*×]\d+$/.test(parts[0] ?? '')) return parseOne(parts[0] ?? '');
  const schedule: ActivationSpec[] = [];
  for (const part of parts) {
    const match = /^(.*?)(?:[*×](\d+))?$/.exec(part);
    const spec = parseOne(match?.[1] ?? part);
    const count = match?.[2] === undefined ? 1 : Number(match[2]);
    if (count < 1) throw new Error(`activation '${text}': repeat count must be ≥ 1 in '${part}'`);
    for (let index = 0; index < count; index++) schedule.push(spec);
  }
  return schedule;
}
