/**
 * The data every run of an experiment trains on, always a token store read by positioned reads
 * (never loaded whole) with the store sampler, so the same seed gives the same batches in this
 * process, in a worker process and in a cluster task. By default the embedded corpus's store
 * (@normfree/data/node `ensureDefaultTokenStore`: windows of T = blockSize tokens, 5 % of the files
 * held out with a fixed split seed, so every run is evaluated on the same windows whatever its
 * seed). With `--data`, a store prepared by `normfree prepare`, checked against the hashes the plan
 * recorded. Each store is opened once per process and shared by its runs.
 */
import { resolve } from 'node:path';
import type { BatchSource, EvalSet, Preset } from '@normfree/core';
import { createGpt2Tokenizer, createStoreBatchSampler, createStoreEvalSet } from '@normfree/data';
import { ensureDefaultTokenStore, loadDefaultTokenizer, openTokenStore } from '@normfree/data/node';
import type { RunDataIdentity } from '@normfree/trainer';
import { ExperimentInputError, errorMessage } from '../errors.js';
import type { ExperimentData } from '../plan.js';

/** The vocabulary of a preset's tokenizer, read from the tokenizer itself (what a plan needs). */
export async function loadTokenizerVocabSize(tokenizer: Preset['tokenizer']): Promise<number> {
  return tokenizer === 'gpt2' ? createGpt2Tokenizer().vocabSize : (await loadDefaultTokenizer()).vocabSize;
}

type OpenedStore = Awaited<ReturnType<typeof openTokenStore>>;

/** Open a store, its tokenizer checked against the manifest; a bad store is an input error naming it. */
async function openCheckedStore(dir: string, label = `--data '${dir}'`): Promise<OpenedStore> {
  let store: OpenedStore | undefined;
  try {
    store = await openTokenStore(dir);
    await store.loadTokenizer(); // refuses a tokenizer.json whose hash is not the manifest's
    return store;
  } catch (error) {
    store?.close();
    throw new ExperimentInputError(`${label}: ${errorMessage(error)}`);
  }
}

/**
 * What a plan needs to know about a token store (`--data`): its identity (manifest and tokenizer
 * hashes) and its window counts. Opens the store, checks its tokenizer, closes it.
 *
 * @throws ExperimentInputError naming the folder when it is not a complete, consistent store.
 */
export async function describeTokenStore(dir: string): Promise<ExperimentData> {
  const store = await openCheckedStore(resolve(dir));
  try {
    const { manifest } = store;
    return {
      store: resolve(dir),
      manifestSha256: store.manifestSha256,
      seqLen: manifest.seqLen,
      tokenizer: {
        name: manifest.tokenizer.name,
        sha256: manifest.tokenizer.sha256,
        vocabSize: manifest.tokenizer.vocabSize,
      },
      trainWindows: manifest.splits.train.windows,
      validationWindows: manifest.splits.validation.windows,
    };
  } finally {
    store.close();
  }
}

const openStores = new Map<string, Promise<OpenedStore>>();

/** The store in `dir`, opened and checked once per process. */
function openSharedStore(dir: string, label?: string): Promise<OpenedStore> {
  let opened = openStores.get(dir);
  if (opened === undefined) {
    opened = openCheckedStore(dir, label);
    openStores.set(dir, opened);
    opened.catch(() => openStores.delete(dir));
  }
  return opened;
}

/** The batches and evaluation windows of one run. */
export interface RunSources {
  readonly trainSource: BatchSource;
  readonly evalSet: EvalSet;
  /** The store's tokenizer vocabulary (the model must have been planned for it). */
  readonly vocabSize: number;
}

/** Options of {@link loadStoreSources} and {@link loadDefaultStoreSources}. */
export interface RunSourcesOptions {
  /** Windows per batch (the run's micro-batch). */
  readonly batchSize: number;
  /** The run's seed: the batch order (the split is the store's). */
  readonly seed: number;
}

function storeSources(store: OpenedStore, options: RunSourcesOptions): RunSources {
  return {
    trainSource: createStoreBatchSampler({
      windows: store.split('train'),
      batchSize: options.batchSize,
      seed: options.seed,
    }),
    evalSet: createStoreEvalSet(store.split('validation')),
    vocabSize: store.manifest.tokenizer.vocabSize,
  };
}

/**
 * A run's sources from its token store (opened once per process and shared by its runs), after
 * checking the store is the one the run was planned with: a store rewritten since (another manifest
 * or tokenizer hash) is refused, naming both hashes.
 */
export async function loadStoreSources(data: RunDataIdentity, options: RunSourcesOptions): Promise<RunSources> {
  const store = await openSharedStore(data.store);
  if (store.manifestSha256 !== data.manifestSha256 || store.manifest.tokenizer.sha256 !== data.tokenizer.sha256) {
    throw new ExperimentInputError(
      `--data '${data.store}' changed since this run was planned: manifest sha256 ${store.manifestSha256} (planned ${data.manifestSha256}), ` +
        `tokenizer sha256 ${store.manifest.tokenizer.sha256} (planned ${data.tokenizer.sha256}); use the store it was planned with, or start a new run`,
    );
  }
  return storeSources(store, options);
}

/**
 * A run's sources from the embedded corpus: its store for the preset's tokenizer and the model's
 * window length (prebuilt for the default BPE at T = 128; prepared once into the cache folder for
 * other lengths and for `gpt2`, which takes seconds).
 *
 * @param tokenizer - the preset's tokenizer.
 * @param seqLen - the model's blockSize.
 * @param options - batchSize, seed.
 */
export async function loadDefaultStoreSources(
  tokenizer: Preset['tokenizer'],
  seqLen: number,
  options: RunSourcesOptions,
): Promise<RunSources> {
  const dir = await ensureDefaultTokenStore({ tokenizer, seqLen });
  return storeSources(await openSharedStore(dir, `the embedded corpus's token store '${dir}'`), options);
}
