/**
 * The data every run of an experiment trains on: the embedded default corpus (@normfree/data/node),
 * windows of T = blockSize tokens, 5 % of the files held out for validation with a fixed split seed,
 * so every run is evaluated on the same windows whatever its seed. Loaded once per process and
 * shared by its runs.
 */
import type { Preset } from '@normfree/core';
import { createGpt2Tokenizer, prepareDataset, type PreparedDataset } from '@normfree/data';
import { loadDefaultCorpus, loadDefaultDataset, loadDefaultTokenizer } from '@normfree/data/node';

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
