/**
 * The embedded corpus (Python source from the CPython standard library, PSF licence) and its
 * 4,096-token BPE, fetched from the page's own server (Vite `?url` assets) and cut into windows.
 * Only the first documents are tokenized: a pure-JS BPE over the whole 10 MB would keep the page
 * busy for minutes, and the presets offered here need far fewer tokens.
 */
import corpusUrl from '@normfree/data/assets/python-stdlib.jsonl.gz?url';
import tokenizerUrl from '@normfree/data/assets/tokenizer.json?url';
import type { BatchSource, EvalSet, Tokenizer } from '@normfree/core';
import type { RunDataIdentity } from '@normfree/trainer';
import {
  createBatchSampler,
  createEvalSet,
  createRemoteBatchSampler,
  loadRemoteEvalSet,
  loadTokenizerJson,
  openRemoteTokenStore,
  readJsonLines,
  tokenizeCorpus,
  windowDataset,
  type PreparedDataset,
} from '@normfree/data';

export interface PlaygroundDataset {
  readonly tokenizer: Tokenizer;
  readonly dataset: PreparedDataset;
  /** Documents tokenized (of the corpus's total). */
  readonly documents: number;
  readonly totalDocuments: number;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const cache = new Map<string, Promise<PlaygroundDataset>>();

/**
 * Load (once per window length) the corpus, tokenize its first documents up to `maxCharacters`,
 * and split them by file into training and validation windows of `seqLen` tokens.
 */
export function loadPlaygroundDataset(options: { seqLen: number; maxCharacters: number }): Promise<PlaygroundDataset> {
  const key = `${options.seqLen}:${options.maxCharacters}`;
  let loaded = cache.get(key);
  if (loaded === undefined) {
    loaded = (async () => {
      const [corpusBytes, tokenizerText] = await Promise.all([fetchBytes(corpusUrl), fetch(tokenizerUrl).then((response) => response.text())]);
      const tokenizer = loadTokenizerJson(tokenizerText, { source: 'tokenizer.json' });
      const documents = readJsonLines(corpusBytes, { source: 'python-stdlib.jsonl.gz' });
      const chosen = [];
      let characters = 0;
      for (const document of documents) {
        if (characters >= options.maxCharacters) break;
        chosen.push(document);
        characters += document.content.length;
      }
      const corpus = tokenizeCorpus({ documents: chosen, tokenizer });
      // 10 % of files held out, so a small corpus still has validation windows.
      const dataset = windowDataset({ corpus, seqLen: options.seqLen, validationFraction: 0.1, seed: 0 });
      return { tokenizer, dataset, documents: chosen.length, totalDocuments: documents.length };
    })();
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}

/** What a session trains on: batches, evaluation windows and the tokenizer, from either source. */
export interface SessionData {
  readonly tokenizer: Tokenizer;
  readonly seqLen: number;
  /** A fresh batch source per run (each run draws its own batches from the same seed). */
  trainSource(batchSize: number, seed: number): BatchSource;
  readonly evalSet: EvalSet;
  /** One line for the status bar. */
  readonly description: string;
  /** experiment.json's corpus text. */
  readonly corpus: string;
  /** A token store's identity, recorded in each run's config.json (as the CLI does). */
  readonly identity?: RunDataIdentity;
}

/** The embedded corpus, its first `maxCharacters` tokenized in the page. */
export async function embeddedSessionData(options: { seqLen: number; maxCharacters: number }): Promise<SessionData> {
  const { dataset, tokenizer, documents, totalDocuments } = await loadPlaygroundDataset(options);
  return {
    tokenizer,
    seqLen: dataset.seqLen,
    trainSource: (batchSize, seed) => createBatchSampler({ windows: dataset.train, batchSize, seed }),
    evalSet: createEvalSet({ windows: dataset.validation }),
    description: `Corpus: ${documents} of ${totalDocuments} files, ${dataset.train.count} training and ${dataset.validation.count} validation windows of ${dataset.seqLen} tokens`,
    corpus: 'default (embedded CPython standard library sources, PSF licence; the first files only)',
  };
}

/**
 * A token store written by `normfree prepare`, served over HTTP (the server must answer range
 * requests): training windows are fetched batch by batch (the trainer awaits `load(step)`), the
 * first `evalWindows` validation windows once, and the tokenizer is checked against the manifest's hash.
 */
export async function storeSessionData(url: string, options: { blockSize: number; evalWindows: number }): Promise<SessionData> {
  const store = await openRemoteTokenStore(new URL(url, location.href));
  const { manifest } = store;
  if (manifest.seqLen > options.blockSize) {
    throw new Error(`token store ${url}: its windows are ${manifest.seqLen} tokens, longer than the model's context of ${options.blockSize}; prepare it with --seq-len ${options.blockSize}`);
  }
  const [tokenizer, evalSet] = await Promise.all([store.loadTokenizer(), loadRemoteEvalSet(store.split('validation'), { maxWindows: options.evalWindows })]);
  const train = store.split('train');
  return {
    tokenizer,
    seqLen: manifest.seqLen,
    trainSource: (batchSize, seed) => createRemoteBatchSampler({ windows: train, batchSize, seed }),
    evalSet,
    description: `Token store ${url}: ${manifest.splits.train.windows} training windows of ${manifest.seqLen} tokens (fetched per batch), ${evalSet.numWindows} of ${manifest.splits.validation.windows} validation windows, tokenizer ${manifest.tokenizer.name}`,
    corpus: `token store ${url} (manifest sha256 ${store.manifestSha256.slice(0, 12)}…, ${manifest.seqLen}-token windows)`,
    identity: {
      store: store.baseUrl,
      manifestSha256: store.manifestSha256,
      seqLen: manifest.seqLen,
      tokenizer: { name: manifest.tokenizer.name, sha256: manifest.tokenizer.sha256, vocabSize: manifest.tokenizer.vocabSize },
    },
  };
}
