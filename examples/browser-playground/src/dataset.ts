/**
 * What a playground session trains on, always a token store read over HTTP (range requests) with
 * the same reader and sampler as in Node, so a seed gives the batches `normfree train` would:
 * the embedded corpus's store for the preset's window length (served by the page's own server,
 * vite.config.ts), or a store written by `normfree prepare` at a URL the user gives.
 */
import type { BatchSource, EvalSet, Tokenizer } from '@normfree/core';
import type { RunDataIdentity } from '@normfree/trainer';
import { createRemoteBatchSampler, loadRemoteEvalSet, openRemoteTokenStore } from '@normfree/data';
import { defaultStoreUrl } from './default-store-url.js';

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

/**
 * The embedded corpus (Python source from the CPython standard library, PSF licence) as the token
 * store of `seqLen`-token windows that Node trains on: the same split, the same windows.
 */
export async function embeddedSessionData(options: { seqLen: number; evalWindows: number }): Promise<SessionData> {
  const url = defaultStoreUrl(options.seqLen);
  const data = await storeSessionData(url, { blockSize: options.seqLen, evalWindows: options.evalWindows });
  const { identity: _identity, ...rest } = data; // like the CLI, a run on the embedded corpus records no --data store
  return {
    ...rest,
    description: `Embedded corpus: ${data.description.replace(/^Token store \S+: /, '')}`,
    corpus: 'default (embedded CPython standard library sources, PSF licence)',
  };
}

/**
 * A token store written by `normfree prepare`, served over HTTP (the server must answer range
 * requests): training windows are fetched batch by batch (the trainer awaits `load(step)`), the
 * first `evalWindows` validation windows once, and the tokenizer is checked against the manifest's hash.
 */
export async function storeSessionData(
  url: string,
  options: { blockSize: number; evalWindows: number },
): Promise<SessionData> {
  const store = await openRemoteTokenStore(new URL(url, location.href));
  const { manifest } = store;
  if (manifest.seqLen > options.blockSize) {
    throw new Error(
      `token store ${url}: its windows are ${manifest.seqLen} tokens, longer than the model's context of ${options.blockSize}; prepare it with --seq-len ${options.blockSize}`,
    );
  }
  const [tokenizer, evalSet] = await Promise.all([
    store.loadTokenizer(),
    loadRemoteEvalSet(store.split('validation'), { maxWindows: options.evalWindows }),
  ]);
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
      tokenizer: {
        name: manifest.tokenizer.name,
        sha256: manifest.tokenizer.sha256,
        vocabSize: manifest.tokenizer.vocabSize,
      },
    },
  };
}
