/**
 * `.prepare/state.json`: what an unfinished prepare has written and where re-reading the inputs
 * continues. Saved atomically after each finished shard (and on abort or error), so a prepare
 * killed at any moment (Ctrl-C, kill -9, a full disk) resumes from the last saved state. Reading it
 * back checks every field with a `zod/mini` schema, as the store's manifest is checked.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSchemaError } from '@normfree/core';
import * as z from 'zod/mini';
import { integerAtLeast, shardSchema, splitRuleSchema } from '../../token-store-manifest.js';
import {
  tokenStoreFileNames,
  type TokenStoreDtype,
  type TokenStoreSkippedFile,
  type TokenStoreSource,
  type TokenStoreSplitName,
  type TokenStoreSplitRule,
} from '../../token-store-format.js';
import type { SplitShardsState } from './shard-writer.js';

/** `state.json`'s `format` field. */
export const prepareStateFormat = 'normfree-token-store-prepare-state';

/** Everything that decides the store's bytes; a resume must ask for exactly the same. */
export interface PrepareIdentity {
  readonly seqLen: number;
  readonly windowsPerShard: number;
  readonly dtype: TokenStoreDtype;
  readonly field: string;
  readonly tokenizer: { readonly name: string; readonly sha256: string; readonly vocabSize: number };
  readonly splitRule: TokenStoreSplitRule;
  /** Every resolved input in reading order (main inputs, then validation inputs). */
  readonly inputs: readonly {
    readonly path: string;
    readonly bytes: number;
    readonly role: TokenStoreSource['role'];
  }[];
  readonly limits: { readonly maxFiles?: number; readonly maxTokens?: number };
}

/** Counters of the documents before the cursor. */
export interface PrepareCounts {
  readonly documents: number;
  readonly tokens: number;
}

/** `.prepare/state.json`. */
export interface PrepareState {
  readonly format: typeof prepareStateFormat;
  readonly version: 1;
  readonly identity: PrepareIdentity;
  /** The next document to read: row `row` of input `source` (index into `identity.inputs`). */
  readonly cursor: { readonly source: number; readonly row: number };
  /** Per split: counts of the documents before the cursor, finished shards, windows of the unfinished shard. */
  readonly splits: Readonly<Record<TokenStoreSplitName, PrepareCounts & SplitShardsState>>;
  /** Per role, what `maxFiles` / `maxTokens` count. */
  readonly roles: Readonly<Record<TokenStoreSource['role'], PrepareCounts>>;
  /** Per input: documents read, or null when it was not reached (or skipped). */
  readonly sourceDocuments: readonly (number | null)[];
  readonly skippedFiles: readonly (TokenStoreSkippedFile & { readonly source: number })[];
}

const text = z.string({ error: 'a string' });
const objectError = { error: 'an object' };
const arrayError = { error: 'an array' };
const role = z.enum(['input', 'validation'], { error: '"input" or "validation"' });
const countsShape = { documents: integerAtLeast(0), tokens: integerAtLeast(0) };
const countsSchema = z.object(countsShape, objectError);
const splitStateSchema = z.object(
  { ...countsShape, shards: z.array(shardSchema, arrayError), partialWindows: integerAtLeast(0) },
  objectError,
);

/**
 * Every field's type of `state.json` ({@link PrepareState}), in the style of the store's manifest
 * (`zod/mini`, token-store-manifest.ts): the resume trusts the cursor and counts to continue the store.
 */
const prepareStateSchema = z.object(
  {
    format: z.literal(prepareStateFormat, { error: `"${prepareStateFormat}"` }),
    version: z.literal(1, { error: '1' }),
    identity: z.object(
      {
        seqLen: integerAtLeast(1),
        windowsPerShard: integerAtLeast(1),
        dtype: z.enum(['uint16', 'uint32'], { error: '"uint16" or "uint32"' }),
        field: text,
        tokenizer: z.object({ name: text, sha256: text, vocabSize: integerAtLeast(1) }, objectError),
        splitRule: splitRuleSchema,
        inputs: z.array(z.object({ path: text, bytes: integerAtLeast(0), role }, objectError), arrayError),
        limits: z.object(
          { maxFiles: z.exactOptional(integerAtLeast(1)), maxTokens: z.exactOptional(integerAtLeast(1)) },
          objectError,
        ),
      },
      objectError,
    ),
    cursor: z.object({ source: integerAtLeast(0), row: integerAtLeast(0) }, objectError),
    splits: z.object({ train: splitStateSchema, validation: splitStateSchema }, objectError),
    roles: z.object({ input: countsSchema, validation: countsSchema }, objectError),
    sourceDocuments: z.array(z.nullable(integerAtLeast(0)), arrayError),
    skippedFiles: z.array(z.object({ path: text, reason: text, source: integerAtLeast(0) }, objectError), arrayError),
  },
  objectError,
);

/** Path of the state file in a store folder. */
export function prepareStatePath(storeDir: string): string {
  return join(storeDir, tokenStoreFileNames.work, 'state.json');
}

/**
 * Reads a saved state.
 *
 * @returns the state, or undefined when there is none.
 * @throws Error naming the file when it is not a state this version wrote, and the field and its value
 *   when a field does not fit (a damaged state).
 */
export async function readPrepareState(storeDir: string): Promise<PrepareState | undefined> {
  const path = prepareStatePath(storeDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}); delete the folder to start over`);
  }
  const { format, version } = (state ?? {}) as { format?: unknown; version?: unknown };
  if (format !== prepareStateFormat || version !== 1) {
    throw new Error(
      `${path}: not a prepare state of version 1 (format ${JSON.stringify(format)}, version ${JSON.stringify(version)})`,
    );
  }
  const parsed = prepareStateSchema.safeParse(state);
  if (!parsed.success) {
    throw new Error(`${formatSchemaError(parsed.error, state, path)}; delete the folder to start over`);
  }
  return parsed.data;
}

function show(value: unknown): string {
  return value === undefined ? 'not set' : JSON.stringify(value);
}

/**
 * The first option in which a resume differs from the saved prepare, in words.
 *
 * @returns e.g. `seqLen: the unfinished prepare used 128, this call asks for 64`, or undefined when
 *   the identities are the same.
 */
export function identityDifference(saved: PrepareIdentity, wanted: PrepareIdentity): string | undefined {
  const differs = (name: string, before: unknown, now: unknown): string | undefined =>
    JSON.stringify(before) === JSON.stringify(now)
      ? undefined
      : `${name}: the unfinished prepare used ${show(before)}, this call asks for ${show(now)}`;
  // Named as the options are (validationFraction, maxFiles), not as the identity groups them.
  const flat = (identity: PrepareIdentity): Record<string, unknown> => ({
    seqLen: identity.seqLen,
    windowsPerShard: identity.windowsPerShard,
    field: identity.field,
    dtype: identity.dtype,
    validation: identity.splitRule.kind === 'separate' ? 'separate inputs' : 'a fraction of the inputs',
    validationFraction: identity.splitRule.kind === 'fraction' ? identity.splitRule.validationFraction : undefined,
    seed: identity.splitRule.kind === 'fraction' ? identity.splitRule.seed : undefined,
    maxFiles: identity.limits.maxFiles,
    maxTokens: identity.limits.maxTokens,
  });
  const before = flat(saved);
  const now = flat(wanted);
  for (const key of Object.keys(before)) {
    const difference = differs(key, before[key], now[key]);
    if (difference !== undefined) return difference;
  }
  for (const key of ['name', 'sha256', 'vocabSize'] as const) {
    const difference = differs(`tokenizer.${key}`, saved.tokenizer[key], wanted.tokenizer[key]);
    if (difference !== undefined) return difference;
  }
  for (let i = 0; i < Math.max(saved.inputs.length, wanted.inputs.length); i++) {
    const before = saved.inputs[i];
    const now = wanted.inputs[i];
    if (JSON.stringify(before) === JSON.stringify(now)) continue;
    if (before === undefined)
      return `inputs: this call adds ${now!.path} (${now!.role}) after the unfinished prepare's ${saved.inputs.length} inputs`;
    if (now === undefined)
      return `inputs: this call lacks ${before.path} (${before.role}), input ${i + 1} of the unfinished prepare`;
    if (before.path !== now.path || before.role !== now.role) {
      return `inputs: input ${i + 1} was ${before.path} (${before.role}), this call gives ${now.path} (${now.role})`;
    }
    return `inputs: ${now.path} had ${before.bytes} bytes, now ${now.bytes} (the file changed)`;
  }
  return undefined;
}
