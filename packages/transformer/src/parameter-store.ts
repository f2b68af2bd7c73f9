/**
 * The tensors of a model by state-dict name: trainable variables (with their weight-decay group),
 * frozen zero tensors the reference state dict holds (the authors' `bias=False` linears keep a zero
 * bias, paper-reference §2 item 3), and aliases (the tied `lm_head.weight`). Implements the
 * `parameters` / `stateDict` / `loadStateDict` / `dispose` part of `LanguageModel`.
 */
import { createRandom, type NamedParameter } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';

interface StoreEntry {
  readonly name: string;
  readonly tensor: tf.Tensor;
  /** The trainable parameter, or undefined for a frozen tensor. */
  readonly parameter: NamedParameter | undefined;
  /** For an alias, the entry it reads and writes. */
  readonly aliasOf: string | undefined;
}

/** Builds and holds a model's named tensors; see the file header. */
export interface ParameterStore {
  /** A trainable N(0, std) matrix (seeded; draws in creation order). */
  normal<R extends tf.Rank = tf.Rank>(
    name: string,
    shape: number[],
    options: { std: number; decay: boolean },
  ): tf.Variable<R>;
  /** A trainable constant-initialised tensor (LayerNorm gains 1, biases 0). */
  constant<R extends tf.Rank = tf.Rank>(
    name: string,
    shape: number[],
    options: { value: number; decay: boolean },
  ): tf.Variable<R>;
  /** A frozen zero tensor kept only for the state dict (never used by the forward). */
  frozenZeros(name: string, shape: number[]): void;
  /** Adopt a parameter made elsewhere (an activation's slope); the store does not dispose it. */
  adopt(parameter: NamedParameter): void;
  /** Another name for an existing entry (the tied `lm_head.weight`). */
  alias(name: string, target: string): void;
  readonly parameters: readonly NamedParameter[];
  stateDict(): ReadonlyMap<string, tf.Tensor>;
  loadStateDict(values: ReadonlyMap<string, tf.Tensor>, options?: { strict?: boolean }): void;
  /** Dispose what the store created (not adopted parameters). */
  dispose(): void;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((size, index) => size === b[index]);

/**
 * Create an empty store.
 * @param options.seed - seed of the init draws (each tensor gets the next seed of `createRandom(seed)`).
 */
export function createParameterStore(options: { seed: number }): ParameterStore {
  const random = createRandom(options.seed);
  const entries = new Map<string, StoreEntry>();
  const parameters: NamedParameter[] = [];
  const owned: tf.Tensor[] = [];
  const add = (entry: StoreEntry): void => {
    if (entries.has(entry.name)) throw new Error(`parameter store: duplicate tensor name '${entry.name}'`);
    entries.set(entry.name, entry);
    if (entry.parameter !== undefined) parameters.push(entry.parameter);
  };
  const addVariable = (name: string, variable: tf.Variable, decay: boolean): tf.Variable => {
    owned.push(variable);
    add({ name, tensor: variable, parameter: { name, variable, decay }, aliasOf: undefined });
    return variable;
  };
  return {
    parameters,
    normal: <R extends tf.Rank>(name: string, shape: number[], { std, decay }: { std: number; decay: boolean }) =>
      addVariable(
        name,
        tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', random.nextSeed()), true)),
        decay,
      ) as tf.Variable<R>,
    constant: <R extends tf.Rank>(name: string, shape: number[], { value, decay }: { value: number; decay: boolean }) =>
      addVariable(
        name,
        tf.tidy(() => tf.variable(tf.fill(shape, value), true)),
        decay,
      ) as tf.Variable<R>,
    frozenZeros: (name, shape) => {
      const tensor = tf.zeros(shape);
      owned.push(tensor);
      add({ name, tensor, parameter: undefined, aliasOf: undefined });
    },
    adopt: (parameter) => add({ name: parameter.name, tensor: parameter.variable, parameter, aliasOf: undefined }),
    alias: (name, target) => {
      const entry = entries.get(target);
      if (entry === undefined) throw new Error(`parameter store: alias '${name}' targets unknown tensor '${target}'`);
      entries.set(name, { name, tensor: entry.tensor, parameter: undefined, aliasOf: target });
    },
    stateDict: () => new Map([...entries.values()].map((entry) => [entry.name, entry.tensor])),
    loadStateDict: (values, loadOptions = {}) => {
      const strict = loadOptions.strict ?? true;
      const known = new Set(entries.keys());
      if (strict) {
        for (const name of values.keys()) {
          if (!known.has(name))
            throw new Error(`loadStateDict: unexpected tensor '${name}' (not in this model's state dict)`);
        }
      }
      // Check everything first, so a failed load leaves the model unchanged.
      const assignments: Array<[tf.Variable, tf.Tensor]> = [];
      for (const entry of entries.values()) {
        if (entry.aliasOf !== undefined) continue;
        // the tied head: accept `lm_head.weight` when the embedding itself is absent
        const aliasName = [...entries.values()].find((candidate) => candidate.aliasOf === entry.name)?.name;
        const value = values.get(entry.name) ?? (aliasName === undefined ? undefined : values.get(aliasName));
        if (value === undefined) {
          if (strict) throw new Error(`loadStateDict: missing tensor '${entry.name}'`);
          continue;
        }
        if (!sameShape(value.shape, entry.tensor.shape)) {
          throw new Error(
            `loadStateDict: tensor '${entry.name}' has shape [${value.shape.join(', ')}], the model expects [${entry.tensor.shape.join(', ')}]`,
          );
        }
        if (entry.parameter === undefined) {
          // frozen zeros: the forward never reads them, so anything else could not be honoured
          const largest = tf.tidy(() => tf.max(tf.abs(tf.cast(value, 'float32'))).dataSync()[0] as number);
          if (largest !== 0)
            throw new Error(
              `loadStateDict: frozen tensor '${entry.name}' must be all zeros (a bias frozen at zero, paper-reference §2 item 3); its largest |value| is ${largest}`,
            );
          continue;
        }
        assignments.push([entry.parameter.variable, value]);
      }
      for (const [variable, value] of assignments) {
        tf.tidy(() => variable.assign(value.dtype === 'float32' ? value : tf.cast(value, 'float32')));
      }
    },
    dispose: () => {
      for (const tensor of owned) tensor.dispose();
      owned.length = 0;
    },
  };
}
