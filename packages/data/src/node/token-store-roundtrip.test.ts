import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tinyPythonDocuments } from '../testing/index.js';
import { createStoreBatchSampler, createStoreEvalSet } from '../token-store-sampler.js';
import { prepareTokenStore, tokenizerSpecFromName } from './prepare/index.js';
import { openTokenStore, verifyTokenStore } from './token-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'normfree-roundtrip-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('should read, sample and verify exactly what prepareTokenStore writes', async () => {
  // 40 documents of different lengths, so shards and splits have uneven ends.
  const input = join(dir, 'corpus.jsonl');
  const documents = Array.from(
    { length: 40 },
    (_, index) => tinyPythonDocuments[index % 8]! + `# line ${index}\n`.repeat(index),
  );
  await writeFile(input, documents.map((content) => JSON.stringify({ content })).join('\n'));
  const storeDir = join(dir, 'store');
  await prepareTokenStore({
    inputs: [input],
    outDir: storeDir,
    tokenizer: await tokenizerSpecFromName('default-4096'),
    seqLen: 16,
    windowsPerShard: 7,
    workers: 0,
    validationFraction: 0.2,
  });

  const store = await openTokenStore(storeDir);
  try {
    const { manifest } = store;
    const tokenizer = await store.loadTokenizer();
    expect(tokenizer.vocabSize).toBe(4096);
    // Every window decodes to text of the corpus, whichever way it is read.
    const train = store.split('train');
    const sampler = createStoreBatchSampler({ windows: train, batchSize: 4, seed: 0 });
    const batch = sampler.batchAt(sampler.batchesPerEpoch + 1);
    const corpus = documents.join('\n');
    for (let row = 0; row < 4; row++)
      expect(corpus).toContain(tokenizer.decode(batch.inputIds.subarray(row * 16, row * 16 + 16)));
    const evalBatches = [...createStoreEvalSet(store.split('validation')).batches(8)];
    expect(evalBatches.reduce((sum, evalBatch) => sum + evalBatch.batchSize, 0)).toBe(
      manifest.splits.validation.windows,
    );
    const shards = manifest.splits.train.shards.length + manifest.splits.validation.shards.length;
    expect(await verifyTokenStore(storeDir)).toEqual({
      shards,
      bytes: (train.count + manifest.splits.validation.windows) * 16 * 2,
    });
  } finally {
    store.close();
  }
});
