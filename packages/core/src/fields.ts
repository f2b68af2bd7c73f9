// Optional fields without the `...(x === undefined ? {} : { x })` spread.
//
// The workspace compiles with `exactOptionalPropertyTypes`, so an optional field `x?: number` may
// be absent but may not hold `undefined`. Passing a possibly-undefined value on used to take a
// conditional spread per field (109 of them before issue 22); `definedFields` does the same for
// any number of fields at once, and its type says which keys may be missing.
// tools/codemods/defined-fields.mjs rewrites the old spread into this helper.

/**
 * `T` with every key whose type admits `undefined` made optional (and `undefined` removed from its
 * type), the other keys unchanged: what {@link definedFields} returns.
 */
export type DefinedFields<T> = {
  [Key in keyof T as undefined extends T[Key] ? never : Key]: T[Key];
} & {
  [Key in keyof T as undefined extends T[Key] ? Key : never]?: Exclude<T[Key], undefined>;
};

/**
 * The fields of `fields` whose value is not `undefined`, as a new object (keys in their order).
 *
 * @param fields - an object literal of candidate fields, e.g. `{ signal, now: options.now }`.
 * @returns a shallow copy without the undefined fields; spread it into the object being built.
 * @example
 * ```ts
 * const signal: AbortSignal | undefined = undefined;
 * const options = { steps: 10, ...definedFields({ signal, seed: 7 }) }; // { steps: 10, seed: 7 }
 * ```
 */
export function definedFields<T extends object>(fields: T): DefinedFields<T> {
  const defined: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) defined[key] = value;
  }
  return defined as DefinedFields<T>;
}
