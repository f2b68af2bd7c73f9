/**
 * The order-preserving tokenize pipeline of `prepareTokenStore`: items (documents, and markers
 * between them) go in one at a time, are gathered into batches of about `batchChars` characters,
 * tokenized on the worker pool, and handed back batch by batch in the order they were added,
 * never in the order the workers finish. That order is what makes the shards byte-identical for
 * any worker count.
 *
 * Backpressure: adding waits (using the oldest batch) while `maxInFlight` batches are queued, so
 * reading never runs more than a few batches ahead of writing and memory stays flat.
 */
import type { TokenizedBatch } from './tokenize-batch.js';
import { createTokenizePool, type TokenizePoolOptions } from './tokenize-pool.js';

/** A batch back from the workers: the items as added, and the tokens of the ones that carried text. */
export interface TokenizedItems<Item> {
  readonly items: readonly Item[];
  /** Results of the items added with a text, in their order; undefined when none had one. */
  readonly result: TokenizedBatch | undefined;
}

/** Options of {@link createOrderedTokenizePipeline}. */
export interface OrderedTokenizePipelineOptions<Item> {
  /** The worker pool to start (the pipeline owns it and closes it). */
  readonly pool: TokenizePoolOptions;
  /** A batch is sent once its texts reach this many characters. */
  readonly batchChars: number;
  /** ... or once it holds this many items (markers count too). */
  readonly batchItems: number;
  /** Batches sent but not yet used; adding waits while this many are queued. */
  readonly maxInFlight: number;
  /** Uses one batch; called in the order the batches were sent, one at a time. */
  readonly use: (batch: TokenizedItems<Item>) => Promise<void>;
  /** Once true, no further batch is used (the rest are dropped): the prepare is stopping. */
  readonly stopped: () => boolean;
}

/** A running pipeline. */
export interface OrderedTokenizePipeline<Item> {
  /** Adds an item (with its text when it is a document); may use earlier batches before returning. */
  add(item: Item, text?: string): Promise<void>;
  /** Sends the unfinished batch and uses every batch in flight, in order, unless stopped. */
  drain(): Promise<void>;
  /** Terminates the workers; batches still in flight are dropped. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the worker pool and returns the pipeline in front of it.
 *
 * @throws Error naming the missing worker file (see `createTokenizePool`).
 */
export function createOrderedTokenizePipeline<Item>(
  options: OrderedTokenizePipelineOptions<Item>,
): OrderedTokenizePipeline<Item> {
  const { batchChars, batchItems, maxInFlight, use, stopped } = options;
  const pool = createTokenizePool(options.pool);
  const inFlight: Promise<TokenizedItems<Item>>[] = [];
  let items: Item[] = [];
  let texts: string[] = [];
  let chars = 0;

  const useOldest = async (): Promise<void> => {
    await use(await inFlight.shift()!);
  };

  const sendBatch = async (): Promise<void> => {
    if (items.length === 0) return;
    const batchItems = items;
    const batchTexts = texts;
    items = [];
    texts = [];
    chars = 0;
    const promise: Promise<TokenizedItems<Item>> =
      batchTexts.length === 0
        ? Promise.resolve({ items: batchItems, result: undefined })
        : pool.tokenize(batchTexts).then((result) => ({ items: batchItems, result }));
    // Batches dropped after an error or abort are never awaited; their rejection is not news.
    promise.catch(() => undefined);
    inFlight.push(promise);
    // Backpressure: reading waits while enough work is queued.
    while (inFlight.length >= maxInFlight && !stopped()) await useOldest();
  };

  return {
    async add(item, text) {
      items.push(item);
      if (text !== undefined) {
        texts.push(text);
        chars += text.length;
      }
      if (chars >= batchChars || items.length >= batchItems) await sendBatch();
    },
    async drain() {
      await sendBatch();
      while (inFlight.length > 0 && !stopped()) await useOldest();
    },
    close: () => pool.close(),
  };
}
