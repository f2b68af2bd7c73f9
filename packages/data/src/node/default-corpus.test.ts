import { describe, expect, it } from 'vitest';
import { createBatchSampler } from '../batch-sampler.js';
import { createEvalSet } from '../eval-set.js';
import { loadDefaultCorpus, loadDefaultDataset, loadDefaultTokenizer } from './default-corpus.js';

/** Re-cutting windows from the cached tokens takes milliseconds; generous for a loaded CI machine. */
const CACHED_RECUT_BUDGET_MS = 2000;

describe('default corpus and tokenizer', () => {
  it('should ship 638 stdlib files without tests, in CodeParrot rows', async () => {
    const documents = await loadDefaultCorpus();
    expect(documents).toHaveLength(638);
    expect(documents.every((document) => document.path?.startsWith('Lib/') && document.license === 'psf-2.0')).toBe(true);
    expect(documents.some((document) => /(^|\/)(tests?|idle_test)\/|\/test_[^/]*\.py$/.test(document.path!))).toBe(false);
  });

  it('should ship a 4096-token BPE whose last id is <|endoftext|>', async () => {
    const tokenizer = await loadDefaultTokenizer();
    expect(tokenizer.vocabSize).toBe(4096);
    expect(tokenizer.specialTokens).toEqual({ '<|endoftext|>': 4095 });
    expect(tokenizer.merges).toHaveLength(3839);
  });

  it('should prepare the default dataset at T = 128 with train and validation from disjoint files', async () => {
    const dataset = await loadDefaultDataset({ seqLen: 128 });
    const { train, validation } = dataset.stats;
    expect([train.files, validation.files]).toEqual([606, 32]);
    expect(train.bytes + validation.bytes).toBe(10_969_213);
    expect(dataset.train.tokens).toBeInstanceOf(Uint16Array);
    expect(train.windows).toBeGreaterThan(20_000);
    const sampler = createBatchSampler({ windows: dataset.train, batchSize: 8, seed: 0 });
    expect(sampler.batchAt(1000).inputIds).toHaveLength(8 * 128);
    expect(createEvalSet({ windows: dataset.validation }).numWindows).toBe(validation.windows);
    // A second call with another T reuses the cached tokens.
    const started = performance.now();
    const shorter = await loadDefaultDataset({ seqLen: 64 });
    expect(performance.now() - started).toBeLessThan(CACHED_RECUT_BUDGET_MS);
    expect(shorter.stats.train.tokens).toBe(train.tokens);
  });
});
