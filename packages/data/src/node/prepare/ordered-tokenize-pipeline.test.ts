import { describe, expect, it } from 'vitest';
import { documentsOf, tinyTokenizerSpec } from './__fixtures__/test-corpus.js';
import { createOrderedTokenizePipeline, type TokenizedItems } from './ordered-tokenize-pipeline.js';

// Worker threads run dist/node/prepare/tokenize-worker.js (built by the test command).
const seqLen = 8;
const { spec, tokenizer } = tinyTokenizerSpec();
const texts = [...documentsOf(0, 23), ...documentsOf(1, 19)];

interface Item {
  readonly index: number;
  readonly text: string | undefined;
}

/** Adds every text, with a marker (no text) after every fifth, and returns the batches as used. */
async function runPipeline(
  workers: number,
  batchChars: number,
  maxInFlight = 2,
): Promise<{
  used: TokenizedItems<Item>[];
  usedBeforeDrain: number;
}> {
  const used: TokenizedItems<Item>[] = [];
  const pipeline = createOrderedTokenizePipeline<Item>({
    pool: { spec, seqLen, workers },
    batchChars,
    batchItems: 4096,
    maxInFlight,
    use: (batch) => {
      used.push(batch);
      return Promise.resolve();
    },
    stopped: () => false,
  });
  try {
    let index = 0;
    for (const [position, text] of texts.entries()) {
      await pipeline.add({ index: index++, text }, text);
      if (position % 5 === 4) await pipeline.add({ index: index++, text: undefined });
    }
    const usedBeforeDrain = used.length;
    await pipeline.drain();
    return { used, usedBeforeDrain };
  } finally {
    await pipeline.close();
  }
}

describe('createOrderedTokenizePipeline', () => {
  it('should hand back every item once, in the order added, with each text tokenized', async () => {
    const { used } = await runPipeline(2, 300);
    const items = used.flatMap((batch) => batch.items);
    expect(items.map((item) => item.index)).toEqual(Array.from({ length: items.length }, (_, index) => index));
    const tokenCounts = used.flatMap((batch) => Array.from(batch.result?.tokenCounts ?? []));
    expect(tokenCounts).toEqual(texts.map((text) => tokenizer.encode(text).length));
  });

  it('should give the same batches for 0 and 2 workers', async () => {
    const summary = (used: TokenizedItems<Item>[]): unknown =>
      used.map((batch) => [batch.items.map((item) => item.index), Array.from(batch.result?.windows ?? [])]);
    expect(summary((await runPipeline(0, 300)).used)).toEqual(summary((await runPipeline(2, 300)).used));
  });

  it('should use batches while items are still added when maxInFlight batches are queued', async () => {
    const { used, usedBeforeDrain } = await runPipeline(1, 100, 2);
    expect(used.length).toBeGreaterThan(3);
    // All but the last (maxInFlight − 1) sent batches and the unsent one were used by add().
    expect(usedBeforeDrain).toBeGreaterThanOrEqual(used.length - 2);
  });

  it('should use nothing more once stopped', async () => {
    const used: TokenizedItems<Item>[] = [];
    const pipeline = createOrderedTokenizePipeline<Item>({
      pool: { spec, seqLen, workers: 0 },
      batchChars: 100,
      batchItems: 4096,
      maxInFlight: 2,
      use: (batch) => {
        used.push(batch);
        return Promise.resolve();
      },
      stopped: () => used.length >= 1,
    });
    for (const [index, text] of texts.entries()) await pipeline.add({ index, text }, text);
    await pipeline.drain();
    await pipeline.close();
    expect(used).toHaveLength(1);
  });
});
