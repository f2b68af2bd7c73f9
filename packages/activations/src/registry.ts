/**
 * The activation registry: kind → factory. Builtins are registered here; plug-ins call
 * {@link registerActivation} from their own package, so a new activation needs no edit elsewhere
 * (examples/custom-activation).
 */
import type { ActivationSpec, LeakyReluSpec, LearnableLeakyReluSpec } from '@normfree/core';
import type { ActivationFactory } from './api.js';
import { createGelu } from './gelu.js';
import { createGeluTanh } from './gelu-tanh.js';
import { createIdentity } from './identity.js';
import { createLeakyRelu } from './leaky-relu.js';
import { createLearnableLeakyRelu } from './learnable-leaky-relu.js';
import { createRelu } from './relu.js';

const factories = new Map<string, ActivationFactory>([
  ['gelu', (_spec, { layer }) => createGelu({ layer })],
  ['gelu-tanh', (_spec, { layer }) => createGeluTanh({ layer })],
  ['relu', (_spec, { layer }) => createRelu({ layer })],
  ['identity', (_spec, { layer }) => createIdentity({ layer })],
  ['leaky-relu', (spec, { layer }) => createLeakyRelu({ slope: (spec as LeakyReluSpec).slope, layer })],
  ['learnable-leaky-relu', (spec, context) => createLearnableLeakyRelu(spec as LearnableLeakyReluSpec, context)],
]);
const builtinKinds = new Set(factories.keys());

/** Options of {@link registerActivation}. */
export interface RegisterActivationOptions {
  /** Replace an already registered plug-in of the same kind (builtins can never be replaced). */
  readonly replace?: boolean;
}

/**
 * Register a new activation kind. Specs with `kind` then build through `factory` everywhere
 * ({@link createActivations}, `@normfree/transformer`'s createModel).
 *
 * @param kind - a non-empty name, e.g. `squared-relu`.
 * @param factory - builds one layer's activation from a spec and an {@link ActivationContext}.
 * @throws Error naming the kind when it is empty, a builtin, or already registered without `replace`.
 */
export function registerActivation(kind: string, factory: ActivationFactory, options: RegisterActivationOptions = {}): void {
  if (typeof kind !== 'string' || kind.length === 0) throw new Error(`registerActivation: kind must be a non-empty string, got ${JSON.stringify(kind)}`);
  if (typeof factory !== 'function') throw new Error(`registerActivation('${kind}'): factory must be a function, got ${typeof factory}`);
  if (builtinKinds.has(kind)) throw new Error(`registerActivation: '${kind}' is a builtin activation and cannot be replaced`);
  if (factories.has(kind) && options.replace !== true) {
    throw new Error(`registerActivation: '${kind}' is already registered; pass { replace: true } to replace it`);
  }
  factories.set(kind, factory);
}

/** Remove a plug-in kind (for tests). Returns whether it was registered. Builtins cannot be removed. */
export function unregisterActivation(kind: string): boolean {
  if (builtinKinds.has(kind)) throw new Error(`unregisterActivation: '${kind}' is a builtin activation and cannot be removed`);
  return factories.delete(kind);
}

/** Every registered kind, builtins first, then plug-ins in registration order. */
export function listActivations(): string[] {
  return [...factories.keys()];
}

/**
 * The factory of a kind.
 * @throws Error naming the unknown kind and listing the known ones.
 */
export function getActivationFactory(spec: ActivationSpec | { kind?: unknown }): ActivationFactory {
  const kind = (spec as { kind?: unknown }).kind;
  const factory = typeof kind === 'string' ? factories.get(kind) : undefined;
  if (factory === undefined) {
    throw new Error(`unknown activation kind ${JSON.stringify(kind)}; known kinds: ${listActivations().join(', ')}`);
  }
  return factory;
}
