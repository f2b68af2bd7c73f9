/**
 * The data every run of an experiment trains on. By default the embedded corpus (@normfree/data/node),
 * windows of T = blockSize tokens, 5 % of the files held out for validation with a fixed split seed,
 * so every run is evaluated on the same windows whatever its seed; loaded once per process and shared
 * by its runs. With `--data`, a token store prepared by `normfree prepare`: read by positioned reads,
 * never loaded, and checked against the hashes the plan recorded.
 */
import { resolve } from 'node:path';
import type { BatchSource, EvalSet, Preset } from '@normfree/core';
import { createGpt2Tokenizer, createStoreBatchSampler, createStoreEvalSet, prepareDataset, type PreparedDataset } from '@normfree/data';
import { loadDefaultCorpus, loadDefaultDataset, loadDefaultTokenizer, openTokenStore } from '@normfree/data/node';
import type { RunDataIdentity } from '@normfree/trainer';
import { ExperimentInputError, errorMessage } from '../errors.js';
import type { ExperimentData } from '../plan.js';

/** Split seed of the default corpus: fixed, so every run of every experiment sees the same split. */
export const datasetSplitSeed = 0;
/** Share of files held out for validation (paper-reference §5.1 holds out a separate split). */
export const validationFraction = 0.05;

const datasets = new Map<string, Promise<PreparedDataset>>();

/** The vocabulary of a preset's tokenizer, read from the tokenizer itself (what a plan needs). */
export async function loadTokenizerVocabSize(tokenizer: Preset['tokenizer']): Promise<number> {
  return tokenizer === 'gpt2' ? createGpt2Tokenizer().vocabSize : (await loadDefaultTokenizer()).vocabSize;
}

/** The prepared default dataset for a tokenizer and window length (cached per process). */
export function loadRunDataset(tokenizer: Preset['tokenizer'], seqLen: number): Promise<PreparedDataset> {
  const key = `${tokenizer}/${seqLen}`;
  let dataset = datasets.get(key);
  if (dataset === undefined) {
    dataset =
      tokenizer === 'gpt2'
        ? loadDefaultCorpus().then((documents) => prepareDataset({ documents, tokenizer: createGpt2Tokenizer(), seqLen, seed: datasetSplitSeed, validationFraction }))
        : loadDefaultDataset({ seqLen, seed: datasetSplitSeed, validationFraction });
    datasets.set(key, dataset);
  }
  return dataset;
}

type OpenedStore = Awaited<ReturnType<typeof openTokenStore>>;

/** Open a store, its tokenizer checked against the manifest; a bad store is an input error naming it. */
async function openCheckedStore(dir: string): Promise<OpenedStore> {
  let store: OpenedStore | undefined;
  try {
    store = await openTokenStore(dir);
    await store.loadTokenizer(); // refuses a tokenizer.json whose hash is not the manifest's
    return store;
  } catch (error) {
    store?.close();
    throw new ExperimentInputError(`--data '${dir}': ${errorMessage(error)}`);
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
      tokenizer: { name: manifest.tokenizer.name, sha256: manifest.tokenizer.sha256, vocabSize: manifest.tokenizer.vocabSize },
      trainWindows: manifest.splits.train.windows,
      validationWindows: manifest.splits.validation.windows,
    };
  } finally {
    store.close();
  }
}

const openStores = new Map<string, Promise<OpenedStore>>();

/** The batches and evaluation windows of one run. */
export interface RunSources {
  readonly trainSource: BatchSource;
  readonly evalSet: EvalSet;
}

/**
 * A run's sources from its token store (opened once per process and shared by its runs), after
 * checking the store is the one the run was planned with: a store rewritten since (another manifest
 * or tokenizer hash) is refused, naming both hashes.
 */
export async function loadStoreSources(data: RunDataIdentity, options: { batchSize: number; seed: number }): Promise<RunSources> {
  let opened = openStores.get(data.store);
  if (opened === undefined) {
    opened = openCheckedStore(data.store);
    openStores.set(data.store, opened);
    opened.catch(() => openStores.delete(data.store));
  }
  const store = await opened;
  if (store.manifestSha256 !== data.manifestSha256 || store.manifest.tokenizer.sha256 !== data.tokenizer.sha256) {
    throw new ExperimentInputError(
      `--data '${data.store}' changed since this run was planned: manifest sha256 ${store.manifestSha256} (planned ${data.manifestSha256}), ` +
        `tokenizer sha256 ${store.manifest.tokenizer.sha256} (planned ${data.tokenizer.sha256}); use the store it was planned with, or start a new run`,
    );
  }
  return {
    trainSource: createStoreBatchSampler({ windows: store.split('train'), batchSize: options.batchSize, seed: options.seed }),
    evalSet: createStoreEvalSet(store.split('validation')),
  };
}
