/**
 * The options of `prepareTokenStore` and their check: every option validated with its defaults
 * applied, the inputs resolved, and the store identity computed (everything that decides the
 * store's bytes; a resume must ask for exactly the same one, see prepare-state.ts).
 *
 * Nothing here reads a corpus or writes a file; the only work done is resolving input patterns and
 * building the tokenizer once (its vocabulary size decides the dtype, and a bad tokenizer file
 * fails before any work).
 */
import { availableParallelism } from 'node:os';
import {
  bytesPerId,
  defaultValidationFraction,
  dtypeForVocabSize,
  type TokenStoreDtype,
  type TokenStoreSource,
  type TokenStoreSplitRule,
} from '../../token-store-format.js';
import type { PrepareIdentity } from './prepare-state.js';
import { resolveCorpusInputs, type ResolvedCorpusInput } from './resolve-corpus-inputs.js';
import type { WriteShardBytes } from './shard-writer.js';
import { createTokenizerFromSpec, tokenizerIdentity, type TokenizerSpec } from './tokenizer-spec.js';
import { checkInteger, definedFields } from '@normfree/core';

/** Defaults of `prepareTokenStore`. */
export const prepareTokenStoreDefaults = {
  validationFraction: defaultValidationFraction,
  seed: 0,
  field: 'content',
  seqLen: 128,
  /** 65,536 windows: 16 MiB per shard at T = 128 with uint16 ids. */
  windowsPerShard: 65536,
  /** Characters of text per batch sent to a worker. */
  batchChars: 1 << 20,
} as const;

/** What `prepareTokenStore` reports, enough for a progress bar with MB/s and ETA. */
export interface PrepareProgress {
  /** Input bytes (on disk, compressed) read so far, counting inputs finished before a resume. */
  readonly bytesRead: number;
  /** Of all inputs (main and validation). A `maxFiles` / `maxTokens` sample stops before it. */
  readonly totalBytes: number;
  /**
   * `bytesRead` when this call started (non-zero when resuming):
   * rate = (bytesRead − bytesAtStart) / elapsedSeconds.
   */
  readonly bytesAtStart: number;
  /** Documents used so far, both splits. */
  readonly documents: number;
  /** Tokens of those documents (tails included). */
  readonly tokens: number;
  /** Windows written, both splits. */
  readonly windows: number;
  /** Finished shards, both splits. */
  readonly shards: number;
  /** Seconds since this call started. */
  readonly elapsedSeconds: number;
}

/** Options of `prepareTokenStore`. */
export interface PrepareTokenStoreOptions {
  /**
   * The corpus: file, folder or glob patterns (resolved by `resolveCorpusInputs`), or inputs it
   * already resolved. Read in this order.
   */
  inputs: readonly string[] | readonly ResolvedCorpusInput[];
  /**
   * Separate validation inputs (e.g. codeparrot-clean-valid): all their documents go to
   * validation, all of `inputs` to training, and `validationFraction` is not used.
   */
  validation?: readonly string[] | readonly ResolvedCorpusInput[];
  /** Without `validation`: share of documents held out, in [0, 1) (default `defaultValidationFraction`, 0.05). */
  validationFraction?: number;
  /** Seed of the document split (default 0). */
  seed?: number;
  /** The tokenizer, as data each worker rebuilds (`tokenizerSpecFromName`). */
  tokenizer: TokenizerSpec;
  /** Row field holding the text (default `content`). */
  field?: string;
  /** Window length T (default 128). */
  seqLen?: number;
  /** Windows per shard (default 65,536; the split's last shard may hold fewer). */
  windowsPerShard?: number;
  /** Tokenizing threads (default `os.availableParallelism()`); 0 tokenizes on this thread. */
  workers?: number;
  /**
   * Stop after this many documents (rows). Counted per role: the main inputs (both splits of a
   * fraction split) and, separately, the `validation` inputs.
   */
  maxFiles?: number;
  /** Stop after the document that brings the tokens (tails included) to this many; counted per role like `maxFiles`. */
  maxTokens?: number;
  /** Skip a truncated or corrupt gzip / Parquet input (listed in the manifest's `skippedFiles`) instead of failing. */
  skipBadFiles?: boolean;
  /** The store folder: new, empty, or an unfinished prepare of the same options (then resumed). */
  outDir: string;
  /** Called after each batch of documents and at the end. */
  onProgress?: (progress: PrepareProgress) => void;
  /** Stops at the next document boundary, saving the resume state (result `status: 'stopped'`). */
  signal?: AbortSignal;
  /** Characters of text per batch sent to a worker (default 1 Mi; tests use small values). */
  batchChars?: number;
  /** The compiled worker entry (default `dist/node/prepare/tokenize-worker.js` of this package). */
  workerPath?: string;
  /** Writes shard bytes (default: `FileHandle.write` until done); injectable so tests can fail a write. */
  writeShardBytes?: WriteShardBytes;
}

/** A corpus input in reading order, with the role that decides its documents' split. */
export type PrepareInput = ResolvedCorpusInput & { readonly role: TokenStoreSource['role'] };

/** The options after {@link checkPrepareOptions}: defaults applied, inputs resolved, identity computed. */
export interface PrepareSettings {
  readonly seqLen: number;
  readonly windowsPerShard: number;
  readonly batchChars: number;
  readonly workers: number;
  readonly maxFiles: number | undefined;
  readonly maxTokens: number | undefined;
  readonly field: string;
  readonly seed: number;
  readonly validationFraction: number;
  readonly vocabSize: number;
  readonly dtype: TokenStoreDtype;
  /** seqLen × bytes per id. */
  readonly windowBytes: number;
  /** The tokenizer's name, hash and (for a tokenizer file) the bytes copied into the store. */
  readonly tokenizer: ReturnType<typeof tokenizerIdentity>;
  /** Main inputs, then validation inputs. */
  readonly inputs: readonly PrepareInput[];
  readonly splitRule: TokenStoreSplitRule;
  /** The limits as the manifest and the identity record them (only those given). */
  readonly limits: PrepareIdentity['limits'];
  /** What a resume must match (prepare-state.ts). */
  readonly identity: PrepareIdentity;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  return checkInteger(`prepareTokenStore: ${name}`, value ?? fallback, { min: 1 });
}

async function resolveInputs(
  inputs: readonly string[] | readonly ResolvedCorpusInput[],
): Promise<ResolvedCorpusInput[]> {
  const patterns = inputs.filter((input): input is string => typeof input === 'string');
  if (patterns.length === inputs.length) return resolveCorpusInputs(patterns);
  if (patterns.length === 0) return [...(inputs as readonly ResolvedCorpusInput[])];
  throw new Error('prepareTokenStore: inputs must be all patterns (strings) or all resolved inputs, not a mix');
}

/**
 * Validates the options of `prepareTokenStore`, applies their defaults, resolves the inputs and
 * computes the store identity. The checks run in a fixed order, so the first bad option is the one
 * named.
 *
 * @throws Error naming the option and its value (`seqLen must be a positive integer, got 0`), an input
 *   pattern that matches nothing, a file given twice, or a tokenizer that cannot be built.
 */
export async function checkPrepareOptions(options: PrepareTokenStoreOptions): Promise<PrepareSettings> {
  const seqLen = positiveInteger('seqLen', options.seqLen, prepareTokenStoreDefaults.seqLen);
  const windowsPerShard = positiveInteger(
    'windowsPerShard',
    options.windowsPerShard,
    prepareTokenStoreDefaults.windowsPerShard,
  );
  const batchChars = positiveInteger('batchChars', options.batchChars, prepareTokenStoreDefaults.batchChars);
  const workers = checkInteger('prepareTokenStore: workers', options.workers ?? availableParallelism(), { min: 0 });
  const { maxFiles, maxTokens } = options;
  if (maxFiles !== undefined) positiveInteger('maxFiles', maxFiles, 1);
  if (maxTokens !== undefined) positiveInteger('maxTokens', maxTokens, 1);
  const field = options.field ?? prepareTokenStoreDefaults.field;
  const seed = options.seed ?? prepareTokenStoreDefaults.seed;
  if (!Number.isInteger(seed)) throw new Error(`prepareTokenStore: seed ${String(seed)} must be an integer`);
  const validationFraction = options.validationFraction ?? prepareTokenStoreDefaults.validationFraction;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new Error(`prepareTokenStore: validationFraction ${String(validationFraction)} must be in [0, 1)`);
  }

  // Built here too: the vocabulary size decides the dtype, and a bad tokenizer file fails before any work.
  const { vocabSize } = createTokenizerFromSpec(options.tokenizer);
  const dtype = dtypeForVocabSize(vocabSize);
  const tokenizer = tokenizerIdentity(options.tokenizer);

  if (options.inputs.length === 0) throw new Error('prepareTokenStore: no inputs given');
  const mainInputs = await resolveInputs(options.inputs);
  const validationInputs = options.validation === undefined ? [] : await resolveInputs(options.validation);
  if (options.validation !== undefined && validationInputs.length === 0) {
    throw new Error('prepareTokenStore: validation inputs were given as an empty list');
  }
  const inputs: PrepareInput[] = [
    ...mainInputs.map((input) => ({ ...input, role: 'input' as const })),
    ...validationInputs.map((input) => ({ ...input, role: 'validation' as const })),
  ];
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.path)) {
      throw new Error(
        `${input.path}: the same corpus file is given twice (as an input and as validation, or twice in a list)`,
      );
    }
    seen.add(input.path);
  }
  const splitRule: TokenStoreSplitRule =
    options.validation === undefined ? { kind: 'fraction', validationFraction, seed } : { kind: 'separate' };
  const limits = { ...definedFields({ maxFiles, maxTokens }) };
  const identity: PrepareIdentity = {
    seqLen,
    windowsPerShard,
    dtype,
    field,
    tokenizer: { name: tokenizer.name, sha256: tokenizer.sha256, vocabSize },
    splitRule,
    inputs: inputs.map(({ path, bytes, role }) => ({ path, bytes, role })),
    limits,
  };
  return {
    seqLen,
    windowsPerShard,
    batchChars,
    workers,
    maxFiles,
    maxTokens,
    field,
    seed,
    validationFraction,
    vocabSize,
    dtype,
    windowBytes: seqLen * bytesPerId(dtype),
    tokenizer,
    inputs,
    splitRule,
    limits,
    identity,
  };
}
