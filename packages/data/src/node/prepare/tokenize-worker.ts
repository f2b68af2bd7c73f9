/**
 * Entry of a tokenizing worker thread (run from `dist/`, as JavaScript): builds the tokenizer once
 * from its spec, then answers batches until it is terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tokenizeBatch, type TokenizedBatch } from './tokenize-batch.js';
import { createTokenizerFromSpec, prepareWordCacheLimit, type TokenizerSpec } from './tokenizer-spec.js';

/** What the pool passes as `workerData`. */
export interface TokenizeWorkerData {
  readonly spec: TokenizerSpec;
  readonly seqLen: number;
}

/** Pool → worker. */
export interface TokenizeRequest {
  readonly id: number;
  readonly texts: readonly string[];
}

/** Worker → pool. */
export type TokenizeResponse =
  | { readonly id: number; readonly kind: 'done'; readonly batch: TokenizedBatch }
  | { readonly id: number; readonly kind: 'error'; readonly message: string };

const port = parentPort;
if (port !== null) {
  const { spec, seqLen } = workerData as TokenizeWorkerData;
  const tokenizer = createTokenizerFromSpec(spec, { wordCacheLimit: prepareWordCacheLimit });
  port.on('message', (request: TokenizeRequest) => {
    let batch: TokenizedBatch;
    try {
      batch = tokenizeBatch(tokenizer, request.texts, seqLen);
    } catch (error) {
      port.postMessage({ id: request.id, kind: 'error', message: (error as Error).message } satisfies TokenizeResponse);
      return;
    }
    // Transferred, not copied: the ids are the bulk of what comes back.
    const transfer = [batch.tokenCounts.buffer, batch.windowCounts.buffer, batch.windows.buffer] as ArrayBuffer[];
    port.postMessage({ id: request.id, kind: 'done', batch } satisfies TokenizeResponse, transfer);
  });
}
