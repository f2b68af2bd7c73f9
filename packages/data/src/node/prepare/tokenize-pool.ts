/**
 * A fixed set of worker threads that tokenize batches of documents. Results come back as
 * transferred typed arrays; the caller keeps order (it awaits batches in the order it sent them).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { tokenizeBatch, type TokenizedBatch } from './tokenize-batch.js';
import type { TokenizeRequest, TokenizeResponse, TokenizeWorkerData } from './tokenize-worker.js';
import { createTokenizerFromSpec, prepareWordCacheLimit, type TokenizerSpec } from './tokenizer-spec.js';

/** Options of {@link createTokenizePool}. */
/**
 * V8 heap limits of each tokenizer thread. Without them V8 lets a busy thread's heap grow far past
 * its live set (a few tens of MB: the BPE tables, 100,000 cached words, a batch), and the process's
 * RSS grows with the corpus: preparing 1 GB of text with 2 threads peaked at 634–706 MB against 569 MB
 * for 100 MB. With an 8 MB young generation it peaked at 436–466 MB (old generation capped at
 * 256–1024 MB), about 7 % slower (measured 2026-12-01, AMD EPYC, 2 cores, scripts/bench-token-store.mjs
 * corpora). The old-generation cap only bounds a pathological document: a thread needs about five
 * times a document's text, so 512 MB takes documents of up to about 100 MB.
 */
export const tokenizerThreadLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 512 } as const;

export interface TokenizePoolOptions {
  readonly spec: TokenizerSpec;
  readonly seqLen: number;
  /** Threads; 0 tokenizes on the calling thread (no built worker needed). */
  readonly workers: number;
  /** The compiled worker entry (default: {@link defaultTokenizeWorkerPath}). */
  readonly workerPath?: string;
}

/** A running pool. */
export interface TokenizePool {
  /** Tokenizes one batch on the next free thread. */
  tokenize(texts: readonly string[]): Promise<TokenizedBatch>;
  /** Terminates every thread (pending batches reject). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The built worker, `dist/node/prepare/tokenize-worker.js`. This path is the same from
 * `src/node/prepare/` (tests run the TypeScript sources) and from `dist/node/prepare/`: worker
 * threads run JavaScript, so sources always use the built file.
 */
export function defaultTokenizeWorkerPath(): string {
  return fileURLToPath(new URL('../../../dist/node/prepare/tokenize-worker.js', import.meta.url));
}

interface Task {
  readonly request: TokenizeRequest;
  resolve(result: TokenizedBatch): void;
  reject(error: Error): void;
}

/**
 * Starts the pool. Each thread rebuilds the tokenizer from `spec` once.
 *
 * @throws Error naming the missing worker file (build the package, or use `workers: 0`).
 */
export function createTokenizePool(options: TokenizePoolOptions): TokenizePool {
  const { spec, seqLen, workers } = options;
  if (workers === 0) {
    const tokenizer = createTokenizerFromSpec(spec, { wordCacheLimit: prepareWordCacheLimit });
    return {
      tokenize: (texts) => Promise.resolve(tokenizeBatch(tokenizer, texts, seqLen)),
      close: () => Promise.resolve(),
    };
  }
  const workerPath = options.workerPath ?? defaultTokenizeWorkerPath();
  if (!existsSync(workerPath)) {
    throw new Error(
      `tokenizing on worker threads needs the built worker at ${workerPath} ` +
        '(build @normfree/data: `pnpm exec tsc -b` in packages/data), or pass workers: 0',
    );
  }
  const workerData: TokenizeWorkerData = { spec, seqLen };
  const threads: Worker[] = [];
  const idle: Worker[] = [];
  const running = new Map<Worker, Task>();
  const queue: Task[] = [];
  let nextId = 0;
  let failure: Error | undefined;
  let closed = false;

  const fail = (error: Error): void => {
    failure ??= error;
    for (const task of [...running.values(), ...queue]) task.reject(failure);
    running.clear();
    queue.length = 0;
  };
  const dispatch = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const task = queue.shift()!;
      running.set(worker, task);
      worker.postMessage(task.request);
    }
  };

  for (let i = 0; i < workers; i++) {
    const worker = new Worker(workerPath, { workerData, resourceLimits: tokenizerThreadLimits });
    threads.push(worker);
    idle.push(worker);
    worker.on('message', (response: TokenizeResponse) => {
      const task = running.get(worker);
      running.delete(worker);
      idle.push(worker);
      if (task !== undefined) {
        if (response.kind === 'done') task.resolve(response.batch);
        else task.reject(new Error(response.message));
      }
      dispatch();
    });
    worker.on('error', (error) => {
      const outOfMemory = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      fail(
        new Error(
          outOfMemory
            ? `a tokenizer thread ran out of its ${tokenizerThreadLimits.maxOldGenerationSizeMb} MB heap: a single document of more than about ${Math.floor(tokenizerThreadLimits.maxOldGenerationSizeMb / 5)} MB of text? (${error.message})`
            : `tokenizer worker failed: ${error.message}`,
        ),
      );
    });
    worker.on('exit', (code) => {
      if (!closed) fail(new Error(`tokenizer worker exited with code ${code} while tokenizing`));
    });
  }

  return {
    tokenize(texts) {
      if (failure !== undefined) return Promise.reject(failure);
      if (closed) return Promise.reject(new Error('the tokenizer pool is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ request: { id: nextId++, texts }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      fail(new Error('the tokenizer pool was closed'));
      await Promise.all(threads.map((worker) => worker.terminate()));
    },
  };
}
