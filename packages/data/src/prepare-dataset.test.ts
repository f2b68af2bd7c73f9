import { createFakeTokenizer } from '@normfree/core/testing';
import { describe, expect, it } from 'vitest';
import { prepareDataset, tokenizeCorpus, windowDataset } from './prepare-dataset.js';
import { createTinyDataset, createTinyTokenizer, tinyPythonDocuments } from './testing/index.js';

describe('prepareDataset', () => {
  it('should tokenize each file whole, split by file and count what it kept', () => {
    // The fake tokenizer is byte-level: one token per byte, so counts are checkable by hand.
    const documents = ['a'.repeat(10), 'b'.repeat(7), 'c'.repeat(25), 'd'.repeat(3)];
    const tokenizer = createFakeTokenizer();
    const dataset = prepareDataset({ documents, tokenizer, seqLen: 4, validationFraction: 0.25, seed: 0 });
    expect(tokenizer.encodeCalls).toEqual(documents); // whole files, once each
    const { train, validation } = dataset.stats;
    expect(train.files + validation.files).toBe(4);
    expect(validation.files).toBe(1);
    expect(train.bytes + validation.bytes).toBe(45);
    expect(train.tokens + validation.tokens).toBe(45);
    // 10 → 2, 7 → 1, 25 → 6, 3 → 0 windows.
    expect(train.windows + validation.windows).toBe(9);
    expect(dataset.train.count).toBe(train.windows);
    expect(dataset.validation.count).toBe(validation.windows);
  });

  it('should keep training and validation windows from disjoint files', () => {
    const dataset = createTinyDataset({ seqLen: 8 });
    const trainFiles = new Set(dataset.train.fileIndex);
    const validationFiles = new Set(dataset.validation.fileIndex);
    expect(validationFiles.size).toBeGreaterThan(0);
    for (const file of validationFiles) expect(trainFiles.has(file)).toBe(false);
    expect(new Set(dataset.split.validation)).toEqual(new Set([...validationFiles]));
  });

  it('should be deterministic for a seed', () => {
    const first = createTinyDataset({ seed: 3 });
    const second = createTinyDataset({ seed: 3 });
    expect(Array.from(second.train.tokens)).toEqual(Array.from(first.train.tokens));
    expect(second.stats).toEqual(first.stats);
  });

  it('should cut windows from a cached tokenized corpus for any seqLen', () => {
    const corpus = tokenizeCorpus({ documents: tinyPythonDocuments, tokenizer: createTinyTokenizer() });
    const short = windowDataset({ corpus, seqLen: 8, validationFraction: 0.25, seed: 0 });
    const long = windowDataset({ corpus, seqLen: 32, validationFraction: 0.25, seed: 0 });
    expect(short.train.count).toBeGreaterThan(long.train.count);
    expect(short.stats.train.tokens).toBe(long.stats.train.tokens);
  });

  it('should reject an empty corpus', () => {
    expect(() => prepareDataset({ documents: [], tokenizer: createFakeTokenizer() })).toThrow(/documents is empty \(0 files\)/);
  });
});
