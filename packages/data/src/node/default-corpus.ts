/**
 * The embedded default corpus and tokenizer (Node only: read from the package's assets/). Training
 * reads the corpus as a token store (default-store.ts); these are its sources. In a browser, serve
 * `assets/default-store/` and open it with `openRemoteTokenStore`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BpeTokenizer } from '../bpe-tokenizer.js';
import type { CorpusDocument } from '../corpus-document.js';
import { loadTokenizerJson } from '../load-tokenizer-json.js';
import { readCorpusFile } from './read-corpus-file.js';

/** Absolute paths of the package's assets (the same relative path from src/node and dist/node). */
export const defaultAssetPaths = {
  corpus: fileURLToPath(new URL('../../assets/python-stdlib.jsonl.gz', import.meta.url)),
  tokenizer: fileURLToPath(new URL('../../assets/tokenizer.json', import.meta.url)),
  license: fileURLToPath(new URL('../../assets/LICENSE-PSF.txt', import.meta.url)),
  /** The prebuilt token store of the default tokenizer at T = 128 (written by the package's build). */
  store: fileURLToPath(new URL('../../assets/default-store', import.meta.url)),
} as const;

let corpusPromise: Promise<CorpusDocument[]> | undefined;
let tokenizerPromise: Promise<BpeTokenizer> | undefined;

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
