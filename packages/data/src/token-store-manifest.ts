/**
 * A token store's `manifest.json`, parsed and checked (browser-safe): every field's type (a
 * `zod/mini` schema: the project's one validation style for files it reads), and that its numbers
 * agree with each other, so that a reader can trust the manifest to address windows. Errors name
 * the source, the field and the value (`formatSchemaError` of @normfree/core).
 */
import { describeValue, formatSchemaError } from '@normfree/core';
import * as z from 'zod/mini';
import {
  bytesPerId,
  dtypeForVocabSize,
  shardFileName,
  tokenStoreFileNames,
  tokenStoreFormat,
  tokenStoreSplitNames,
  tokenStoreVersion,
  type TokenStoreManifest,
} from './token-store-format.js';

/** A safe integer ≥ `minimum`, named so in errors. */
export function integerAtLeast(minimum: number) {
  const error = `an integer ≥ ${minimum}`;
  return z.int({ error }).check(z.gte(minimum, { error }));
}

const text = z.string({ error: 'a string' });
const sha256 = z
  .string({ error: 'a SHA-256 in lowercase hex (64 characters)' })
  .check(z.regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 in lowercase hex (64 characters)' }));
const objectError = { error: 'an object' };
const arrayError = { error: 'an array' };

/** One shard's entry (`splits.<split>.shards[i]`); also checked in a prepare's saved state. */
export const shardSchema = z.object(
  { file: text, windows: integerAtLeast(1), bytes: integerAtLeast(0), sha256 },
  objectError,
);
const splitSchema = z.object(
  {
    documents: integerAtLeast(0),
    tokens: integerAtLeast(0),
    windows: integerAtLeast(0),
    shards: z.array(shardSchema, arrayError),
  },
  objectError,
);
const fractionError = { error: 'a number in [0, 1)' };

/** How validation documents were chosen (`splitRule`); also checked in a prepare's saved state. */
export const splitRuleSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('separate') }),
    z.object({
      kind: z.literal('fraction'),
      validationFraction: z.number(fractionError).check(z.gte(0, fractionError), z.lt(1, fractionError)),
      seed: z.int({ error: 'an integer' }),
    }),
  ],
  { error: '"fraction" or "separate"' },
);

/**
 * Every field's type (`manifest.json`, {@link TokenStoreManifest}); what the fields must agree on is
 * checked after it, in {@link parseTokenStoreManifest}.
 */
const manifestSchema = z.object(
  {
    format: z.literal(tokenStoreFormat, { error: `"${tokenStoreFormat}"` }),
    version: integerAtLeast(1),
    createdAt: text,
    seqLen: integerAtLeast(1),
    dtype: z.enum(['uint16', 'uint32'], { error: '"uint16" or "uint32"' }),
    windowsPerShard: integerAtLeast(1),
    tokenizer: z.object(
      {
        name: text,
        vocabSize: integerAtLeast(1),
        sha256,
        file: z.optional(
          z.literal(tokenStoreFileNames.tokenizer, { error: `"${tokenStoreFileNames.tokenizer}" or absent` }),
        ),
      },
      objectError,
    ),
    field: text,
    splitRule: splitRuleSchema,
    splits: z.object({ train: splitSchema, validation: splitSchema }, objectError),
    sources: z.array(
      z.object(
        {
          path: text,
          role: z.enum(['input', 'validation'], { error: '"input" or "validation"' }),
          format: z.enum(['jsonl', 'jsonl.gz', 'parquet'], { error: '"jsonl", "jsonl.gz" or "parquet"' }),
          bytes: integerAtLeast(0),
          documents: integerAtLeast(0),
        },
        objectError,
      ),
      arrayError,
    ),
    skippedFiles: z.array(z.object({ path: text, reason: text }, objectError), arrayError),
    limits: z.object(
      { maxFiles: z.optional(integerAtLeast(1)), maxTokens: z.optional(integerAtLeast(1)) },
      objectError,
    ),
  },
  objectError,
);

/**
 * Parses and checks a store's `manifest.json`.
 *
 * Besides every field's type, checks that the numbers agree: each split's `windows` is the sum over
 * its shards; each shard's `bytes` = windows · seqLen · bytesPerId(dtype); every shard but a split's
 * last holds exactly `windowsPerShard` windows (the reader finds window i in shard ⌊i / windowsPerShard⌋);
 * shards are named `train/00000.bin`, … in order; `dtype` is the one `dtypeForVocabSize` picks.
 *
 * @param text - the file's text.
 * @param source - where it came from (a path or URL), named in every error.
 * @returns the manifest, typed.
 * @throws Error naming `source`, the field and its value; a newer `version` says the store was
 *   written by a newer normfree.
 */
export function parseTokenStoreManifest(text: string, source: string): TokenStoreManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  // Before the schema: a newer version may have other fields, and this is what to tell its reader.
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && Number.isSafeInteger(version) && version > tokenStoreVersion) {
    throw new Error(
      `${source}: token store version ${version} was written by a newer normfree (this one reads version ` +
        `${tokenStoreVersion}); upgrade normfree or prepare the store again with this one`,
    );
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(formatSchemaError(parsed.error, json, source));
  // Optional fields the file lacks are absent from zod's output too (never `undefined`), as the type says.
  const manifest = parsed.data as TokenStoreManifest;
  checkConsistency(manifest, source);
  return manifest;
}

/** What the fields must agree on (see {@link parseTokenStoreManifest}). */
function checkConsistency(manifest: TokenStoreManifest, source: string): void {
  const { seqLen, dtype, windowsPerShard, tokenizer } = manifest;
  const expectedDtype = dtypeForVocabSize(tokenizer.vocabSize);
  if (dtype !== expectedDtype) {
    throw new Error(
      `${source}: field "dtype" is ${describeValue(dtype)} but tokenizer.vocabSize ${tokenizer.vocabSize} needs "${expectedDtype}"`,
    );
  }
  const windowBytes = seqLen * bytesPerId(dtype);
  for (const name of tokenStoreSplitNames) {
    const path = `splits.${name}`;
    const { shards, windows } = manifest.splits[name];
    let sum = 0;
    shards.forEach((shard, index) => {
      const shardPath = `${path}.shards[${index}]`;
      const file = shardFileName(name, index);
      if (shard.file !== file)
        throw new Error(`${source}: field "${shardPath}.file" must be "${file}", got ${describeValue(shard.file)}`);
      const isLast = index === shards.length - 1;
      if (isLast ? shard.windows > windowsPerShard : shard.windows !== windowsPerShard) {
        throw new Error(
          `${source}: field "${shardPath}.windows" is ${shard.windows}, but ` +
            (isLast
              ? `a shard holds at most windowsPerShard ${windowsPerShard}`
              : `every shard but a split's last must hold exactly windowsPerShard ${windowsPerShard} windows`),
        );
      }
      if (shard.bytes !== shard.windows * windowBytes) {
        throw new Error(
          `${source}: field "${shardPath}.bytes" is ${shard.bytes}, but ${shard.windows} windows × seqLen ${seqLen} × ` +
            `${bytesPerId(dtype)} bytes (${dtype}) = ${shard.windows * windowBytes}`,
        );
      }
      sum += shard.windows;
    });
    if (windows !== sum)
      throw new Error(`${source}: field "${path}.windows" is ${windows}, but its shards hold ${sum} windows`);
  }
}
