/**
 * The embedded default corpus and tokenizer (Node only: read from the package's assets/).
 * In a browser, import the same files with a bundler (`@normfree/data/assets/tokenizer.json?url`)
 * and pass their bytes to `readCorpus` / `loadTokenizerJson`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BpeTokenizer } from '../bpe-tokenizer.js';
import type { CorpusDocument } from '../corpus-document.js';
import { loadTokenizerJson } from '../load-tokenizer-json.js';
import {
  defaultDatasetOptions,
  tokenizeCorpus,
  windowDataset,
  type PreparedDataset,
  type TokenizedCorpus,
} from '../prepare-dataset.js';
import { readCorpusFile } from './read-corpus-file.js';

/** Absolute paths of the package's assets (the same relative path from src/node and dist/node). */
export const defaultAssetPaths = {
  corpus: fileURLToPath(new URL('../../assets/python-stdlib.jsonl.gz', import.meta.url)),
  tokenizer: fileURLToPath(new URL('../../assets/tokenizer.json', import.meta.url)),
  license: fileURLToPath(new URL('../../assets/LICENSE-PSF.txt', import.meta.url)),
} as const;

/** Options of {@link loadDefaultDataset}; defaults are `defaultDatasetOptions`. */
export interface LoadDefaultDatasetOptions {
  /** Window length T (default 128). */
  seqLen?: number;
  /** Split seed (default 0). */
  seed?: number;
  /** Share of files held out (default 0.05). */
  validationFraction?: number;
}

let corpusPromise: Promise<CorpusDocument[]> | undefined;
let tokenizerPromise: Promise<BpeTokenizer> | undefined;
let tokenizedPromise: Promise<TokenizedCorpus> | undefined;

/**
 * Reads the default corpus: Debian's CPython 3.11 standard library without tests, one CodeParrot row
 * per file (PSF licence, assets/LICENSE-PSF.txt). Read once per process, then shared.
 *
 * @returns the documents, sorted by path. Treat them as read-only (they are cached).
 */
export function loadDefaultCorpus(): Promise<CorpusDocument[]> {
  corpusPromise ??= readCorpusFile(defaultAssetPaths.corpus).catch((error: unknown) => {
    corpusPromise = undefined; // let a later call retry
    throw error;
  });
  return corpusPromise;
}

/**
 * Loads the default tokenizer: byte-level BPE, 4096 ids (id 4095 `<|endoftext|>`), trained on the
 * training files of the default split.
 *
 * @returns the tokenizer (cached per process).
 */
export function loadDefaultTokenizer(): Promise<BpeTokenizer> {
  tokenizerPromise ??= readFile(defaultAssetPaths.tokenizer, 'utf8')
    .then((text) => loadTokenizerJson(text, { source: defaultAssetPaths.tokenizer }))
    .catch((error: unknown) => {
      tokenizerPromise = undefined;
      throw error;
    });
  return tokenizerPromise;
}

/**
 * The default corpus, tokenized with the default tokenizer and windowed. The tokenized corpus is
 * cached in memory, so later calls with another seqLen, seed or fraction only re-cut windows.
 *
 * @param options - seqLen (128), seed (0), validationFraction (0.05).
 * @returns the prepared dataset.
 */
export async function loadDefaultDataset(options: LoadDefaultDatasetOptions = {}): Promise<PreparedDataset> {
  tokenizedPromise ??= Promise.all([loadDefaultCorpus(), loadDefaultTokenizer()])
    .then(([documents, tokenizer]) => tokenizeCorpus({ documents, tokenizer }))
    .catch((error: unknown) => {
      tokenizedPromise = undefined;
      throw error;
    });
  const corpus = await tokenizedPromise;
  return windowDataset({
    corpus,
    seqLen: options.seqLen ?? defaultDatasetOptions.seqLen,
    seed: options.seed ?? defaultDatasetOptions.seed,
    validationFraction: options.validationFraction ?? defaultDatasetOptions.validationFraction,
  });
}
