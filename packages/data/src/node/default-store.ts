/**
 * The embedded corpus as a token store (Node only): the one way training reads it, with the same
 * reader and sampler as a store from `normfree prepare --data`.
 *
 * Two kinds of default store, both written by {@link writeDefaultTokenStore} through
 * `prepareTokenStore` (the code path of `normfree prepare`):
 * - the prebuilt store, `assets/default-store/`: the default 4096-id BPE at T = 128, written by this
 *   package's build (`scripts/build-default-store.mjs`) and shipped in the published package;
 * - any other tokenizer or window length (the `gpt2` presets, `smoke`'s T = 16, a `--block-size`
 *   override): prepared on first use into a cache folder (seconds), renamed into place whole, so
 *   a process never sees half a store and two processes preparing at once both end with the same one.
 *
 * The split is today's and the reference runs' (fixtures/reference-laptop): `splitByFile` with seed 0
 * and {@link defaultValidationFraction} picks whole files; each side is written to its own input
 * file in corpus order and handed to `prepareTokenStore` as main and `validation` inputs, so the
 * store's windows are the files' windows in that order.
 *
 * Stores are deterministic: the same bytes and the same manifest SHA-256 on every build and machine
 * (a fixed `createdAt`, source paths named relative to the package), because a plan records the
 * manifest hash and a resume checks it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { writeJsonAtomic } from '@normfree/core/node';
import { checkInteger } from '@normfree/core';
import { splitByFile } from '../split-by-file.js';
import { defaultValidationFraction, tokenStoreFileNames, type TokenStoreManifest } from '../token-store-format.js';
import { defaultAssetPaths } from './default-corpus.js';
import { prepareTokenStore } from './prepare/prepare-token-store.js';
import { defaultTokenizeWorkerPath } from './prepare/tokenize-pool.js';
import { tokenizerSpecFromName } from './prepare/tokenizer-spec.js';
import { readCorpusFile } from './read-corpus-file.js';

/** The tokenizers a default store can be prepared with (the presets' `tokenizer`). */
export type DefaultStoreTokenizer = 'default-4096' | 'gpt2';

/** The split and window length of the embedded corpus (paper-reference §5.1: T = 128). */
export const defaultStoreOptions = {
  tokenizer: 'default-4096',
  seqLen: 128,
  validationFraction: defaultValidationFraction,
  seed: 0,
} as const satisfies { tokenizer: DefaultStoreTokenizer; seqLen: number; validationFraction: number; seed: number };

/** The `createdAt` of every default store: fixed, so that the manifest's bytes do not depend on when it was built. */
export const defaultStoreCreatedAt = '2024-01-01T00:00:00.000Z';

/**
 * Changes whenever {@link writeDefaultTokenStore} would write other bytes for the same inputs, so
 * that cached stores of an older rule are not reused.
 */
export const defaultStoreRuleVersion = 1;

/** Options of {@link writeDefaultTokenStore}. */
export interface WriteDefaultTokenStoreOptions {
  /** The new store's folder (new or empty). */
  outDir: string;
  /** Default `default-4096`. */
  tokenizer?: DefaultStoreTokenizer;
  /** Window length T (default 128). */
  seqLen?: number;
  /** Tokenizing threads (default: up to 4 when the package is built, else 0, this thread). */
  workers?: number;
}

function checkTokenizerName(tokenizer: string): DefaultStoreTokenizer {
  if (tokenizer !== 'default-4096' && tokenizer !== 'gpt2') {
    throw new Error(`default token store: tokenizer ${JSON.stringify(tokenizer)} must be "default-4096" or "gpt2"`);
  }
  return tokenizer;
}

function checkSeqLen(seqLen: number): number {
  return checkInteger('default token store: seqLen', seqLen, { min: 1 });
}

function defaultWorkers(): number {
  // Worker threads run the built JavaScript; from sources without a build, tokenize on this thread.
  return existsSync(defaultTokenizeWorkerPath()) ? Math.min(4, availableParallelism()) : 0;
}

/**
 * Writes the embedded corpus as a token store: split by file (seed 0, 5 % held out), each side
 * tokenized whole per file and cut into windows by `prepareTokenStore`, then the manifest made
 * machine-independent (fixed `createdAt`, sources named `python-stdlib.jsonl.gz (train files)` and
 * `… (validation files)` instead of temporary paths).
 *
 * @param options - outDir, tokenizer (`default-4096`), seqLen (128), workers.
 * @returns the manifest written.
 * @throws Error naming a bad tokenizer or seqLen, or what `prepareTokenStore` refuses.
 */
export async function writeDefaultTokenStore(options: WriteDefaultTokenStoreOptions): Promise<TokenStoreManifest> {
  const tokenizer = checkTokenizerName(options.tokenizer ?? defaultStoreOptions.tokenizer);
  const seqLen = checkSeqLen(options.seqLen ?? defaultStoreOptions.seqLen);
  const documents = await readCorpusFile(defaultAssetPaths.corpus);
  const split = splitByFile({
    fileCount: documents.length,
    validationFraction: defaultStoreOptions.validationFraction,
    seed: defaultStoreOptions.seed,
  });
  const inputDir = await mkdtemp(join(tmpdir(), 'normfree-default-store-'));
  try {
    // One JSON line per file, in corpus order (split lists are ascending): the store's window order.
    const writeSide = async (name: 'train' | 'validation', indices: readonly number[]): Promise<string> => {
      const path = join(inputDir, `${name}.jsonl`);
      const lines = indices.map((index) => JSON.stringify({ content: documents[index]!.content }) + '\n');
      await writeFile(path, lines.join(''));
      return path;
    };
    const trainInput = await writeSide('train', split.train);
    const validationInput = await writeSide('validation', split.validation);
    const result = await prepareTokenStore({
      inputs: [trainInput],
      validation: [validationInput],
      tokenizer: await tokenizerSpecFromName(tokenizer),
      seqLen,
      outDir: options.outDir,
      workers: options.workers ?? defaultWorkers(),
    });
    if (result.status !== 'complete')
      throw new Error(`default token store ${options.outDir}: prepare stopped before the end`);
    const corpusName = 'python-stdlib.jsonl.gz';
    const manifest: TokenStoreManifest = {
      ...result.manifest,
      createdAt: defaultStoreCreatedAt,
      sources: result.manifest.sources.map((source) => ({
        ...source,
        path: `${corpusName} (${source.role === 'validation' ? 'validation' : 'train'} files)`,
      })),
    };
    await writeJsonAtomic(join(options.outDir, tokenStoreFileNames.manifest), manifest);
    return manifest;
  } finally {
    await rm(inputDir, { recursive: true, force: true });
  }
}

/**
 * The folder where default stores other than the prebuilt one are prepared: `$NORMFREE_CACHE_DIR`,
 * else `$XDG_CACHE_HOME/normfree`, else `~/.cache/normfree`.
 */
export function defaultStoreCacheDir(): string {
  const explicit = process.env.NORMFREE_CACHE_DIR;
  if (explicit !== undefined && explicit !== '') return resolve(explicit);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? resolve(xdg) : join(homedir(), '.cache'), 'normfree');
}

let inputsKeyPromise: Promise<string> | undefined;

/**
 * A short hash of what a default store is made from: the corpus, the tokenizer file, the rule
 * (cached stores are named by it; the build skips rewriting a prebuilt store of the same key).
 */
export function defaultStoreInputsKey(): Promise<string> {
  inputsKeyPromise ??= Promise.all([readFile(defaultAssetPaths.corpus), readFile(defaultAssetPaths.tokenizer)])
    .then(([corpus, tokenizer]) =>
      createHash('sha256')
        .update(`normfree default store rule ${defaultStoreRuleVersion}\n`)
        .update(corpus)
        .update(tokenizer)
        .digest('hex')
        .slice(0, 16),
    )
    .catch((error: unknown) => {
      inputsKeyPromise = undefined;
      throw error;
    });
  return inputsKeyPromise;
}

const preparing = new Map<string, Promise<string>>();

/** Options of {@link ensureDefaultTokenStore}. */
export interface EnsureDefaultTokenStoreOptions {
  /** Default `default-4096`. */
  tokenizer?: DefaultStoreTokenizer;
  /** Window length T (default 128). */
  seqLen?: number;
  /** Where stores other than the prebuilt one go (default {@link defaultStoreCacheDir}). */
  cacheDir?: string;
}

/**
 * The folder of the embedded corpus's store for a tokenizer and window length: the prebuilt
 * `assets/default-store/` for the default BPE at T = 128, otherwise a store in the cache folder,
 * prepared on first use (once per process; across processes, the first to finish renames its copy
 * into place and the others drop theirs, which are byte-identical).
 *
 * @param options - tokenizer (`default-4096`), seqLen (128), cacheDir.
 * @returns the absolute path of a complete store (open it with `openTokenStore`).
 * @throws Error naming a bad tokenizer or seqLen, or the cache folder when it cannot be written.
 */
export async function ensureDefaultTokenStore(options: EnsureDefaultTokenStoreOptions = {}): Promise<string> {
  const tokenizer = checkTokenizerName(options.tokenizer ?? defaultStoreOptions.tokenizer);
  const seqLen = checkSeqLen(options.seqLen ?? defaultStoreOptions.seqLen);
  const prebuilt = tokenizer === defaultStoreOptions.tokenizer && seqLen === defaultStoreOptions.seqLen;
  if (prebuilt && existsSync(join(defaultAssetPaths.store, tokenStoreFileNames.manifest))) {
    return defaultAssetPaths.store;
  }
  const cacheDir = options.cacheDir ?? defaultStoreCacheDir();
  const key = `${cacheDir}\0${tokenizer}\0${seqLen}`;
  let pending = preparing.get(key);
  if (pending === undefined) {
    pending = prepareCachedStore(cacheDir, tokenizer, seqLen);
    preparing.set(key, pending);
    pending.catch(() => preparing.delete(key)); // let a later call retry
  }
  return pending;
}

async function prepareCachedStore(cacheDir: string, tokenizer: DefaultStoreTokenizer, seqLen: number): Promise<string> {
  const dir = join(cacheDir, 'default-stores', `${tokenizer}-t${seqLen}-${await defaultStoreInputsKey()}`);
  if (existsSync(join(dir, tokenStoreFileNames.manifest))) return dir;
  await mkdir(dirname(dir), { recursive: true });
  const partial = `${dir}.partial-${randomUUID()}`;
  try {
    await writeDefaultTokenStore({ outDir: partial, tokenizer, seqLen });
    try {
      await rename(partial, dir);
    } catch (error) {
      // Another process renamed its identical store into place first: keep that one.
      if (!existsSync(join(dir, tokenStoreFileNames.manifest))) throw error;
    }
    return dir;
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}
