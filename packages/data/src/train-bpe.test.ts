import { describe, expect, it } from 'vitest';
import { createPretokenCounter, trainBpe, trainBpeFromCounts, trainBpeStreaming } from './train-bpe.js';
import { tinyPythonDocuments } from './testing/index.js';

describe('trainBpe', () => {
  it('should fill the vocabulary: 256 bytes, then merges, then special tokens', () => {
    const tokenizer = trainBpe({
      documents: tinyPythonDocuments,
      vocabSize: 300,
      specialTokens: ['<|endoftext|>', '<|pad|>'],
    });
    expect(tokenizer.vocabSize).toBe(300);
    expect(tokenizer.merges).toHaveLength(300 - 256 - 2);
    expect(tokenizer.specialTokens).toEqual({ '<|endoftext|>': 298, '<|pad|>': 299 });
    expect(tokenizer.vocab['!']).toBe(0);
    expect(tokenizer.vocab['Ġ']).toBe(220);
    expect(Object.keys(tokenizer.vocab)).toHaveLength(300);
  });

  it('should take the most frequent pair first (4-space indent in Python → "ĠĠ")', () => {
    const tokenizer = trainBpe({ documents: tinyPythonDocuments, vocabSize: 257 });
    expect(tokenizer.merges[0]).toEqual(['Ġ', 'Ġ']);
    expect(tokenizer.vocab['ĠĠ']).toBe(256);
  });

  it('should count pairs per whole document, so merges can span newlines and indents', () => {
    const tokenizer = trainBpe({ documents: ['a\n    b\n    c\n    d\n'.repeat(20)], vocabSize: 300 });
    expect(tokenizer.vocab['ĊĠĠĠ']).toBeDefined();
  });

  it('should be deterministic', () => {
    const first = trainBpe({ documents: tinyPythonDocuments, vocabSize: 290 });
    const second = trainBpe({ documents: tinyPythonDocuments, vocabSize: 290 });
    expect(second.merges).toEqual(first.merges);
  });

  it('should stop early on a corpus with no pairs left', () => {
    const tokenizer = trainBpe({ documents: ['ab'], vocabSize: 1000, specialTokens: ['<|endoftext|>'] });
    expect(tokenizer.merges).toEqual([['a', 'b']]);
    expect(tokenizer.vocabSize).toBe(258);
    expect(tokenizer.specialTokens['<|endoftext|>']).toBe(257);
  });

  it('should reject a vocabSize that cannot hold the bytes and specials, naming it', () => {
    expect(() => trainBpe({ documents: ['x'], vocabSize: 256, specialTokens: ['<|endoftext|>'] })).toThrow(
      /vocabSize 256 must be an integer in \[257, 65536\]/,
    );
    expect(() => trainBpe({ documents: ['x'], vocabSize: 70000 })).toThrow(/vocabSize 70000/);
  });
});

describe('createPretokenCounter / trainBpeFromCounts / trainBpeStreaming', () => {
  it("should give trainBpe's exact result from separately counted pre-tokens, in any order", () => {
    const expected = trainBpe({ documents: tinyPythonDocuments, vocabSize: 300, specialTokens: ['<|endoftext|>'] });
    const counter = createPretokenCounter();
    for (const document of tinyPythonDocuments) counter.add(document);
    expect(counter.documents).toBe(8);
    expect(counter.prunes).toBe(0);
    const fromCounts = trainBpeFromCounts({
      counts: counter.counts(),
      vocabSize: 300,
      specialTokens: ['<|endoftext|>'],
    });
    expect(fromCounts.merges).toEqual(expected.merges);
    expect(fromCounts.vocab).toEqual(expected.vocab);
    const reversed = trainBpeFromCounts({
      counts: [...counter.counts()].reverse(),
      vocabSize: 300,
      specialTokens: ['<|endoftext|>'],
    });
    expect(reversed.merges).toEqual(expected.merges);
  });

  it('should count GPT-2 pre-tokens of whole documents', () => {
    const counter = createPretokenCounter();
    counter.add('def f():\n    return 1\n');
    counter.add('def g');
    expect(Object.fromEntries(counter.counts())).toEqual({
      def: 2,
      ' f': 1,
      '():': 1,
      '\n   ': 1,
      ' return': 1,
      ' 1': 1,
      '\n': 1,
      ' g': 1,
    });
  });

  it('should bound distinct pre-tokens by pruning the rarest, keeping frequent ones exact', () => {
    const counter = createPretokenCounter({ maxDistinct: 100 });
    for (let document = 0; document < 1000; document++)
      counter.add(`common common rare${document} rarer${document * 7919}`);
    expect(counter.distinct).toBeLessThanOrEqual(100);
    expect(counter.prunes).toBeGreaterThan(5);
    expect(counter.pruneThreshold).toBe(1);
    expect(counter.counts().get('common')).toBe(1000); // the first 'common' of each document
    expect(counter.counts().get(' common')).toBe(1000);
    expect(() => createPretokenCounter({ maxDistinct: 1 })).toThrow(/maxDistinct must be an integer ≥ 2, got 1/);
  });

  it('should double the pruning threshold when dropping singletons is not enough', () => {
    const counter = createPretokenCounter({ maxDistinct: 10 });
    // 12 distinct words seen twice each in one document: singletons alone cannot be dropped.
    counter.add(Array.from({ length: 12 }, (_, word) => ` w${word} w${word}`).join(''));
    expect(counter.distinct).toBeLessThanOrEqual(5);
    expect(counter.pruneThreshold).toBe(2);
  });

  it('should train from an async stream, equal to trainBpe without bounds', async () => {
    async function* documents(): AsyncGenerator<string> {
      for (const document of tinyPythonDocuments) {
        await Promise.resolve(); // a stream's read: back to the event loop before each document
        yield document;
      }
    }
    const progress: number[] = [];
    const result = await trainBpeStreaming({
      documents: documents(),
      vocabSize: 290,
      specialTokens: ['<|endoftext|>'],
      onProgress: (p) => progress.push(p.documents),
    });
    expect(result.tokenizer.merges).toEqual(
      trainBpe({ documents: tinyPythonDocuments, vocabSize: 290, specialTokens: ['<|endoftext|>'] }).merges,
    );
    expect([result.documents, result.truncated, result.prunes]).toEqual([8, false, 0]);
    expect(result.bytes).toBe(
      tinyPythonDocuments.reduce((sum, document) => sum + new TextEncoder().encode(document).length, 0),
    );
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('should stop reading after maxBytes, counting UTF-8 bytes', async () => {
    let pulled = 0;
    async function* documents(): AsyncGenerator<string> {
      for (let index = 0; index < 100; index++) {
        pulled++;
        await Promise.resolve(); // a stream's read
        yield 'é€😀 x'; // 2 + 3 + 4 + 2 bytes
      }
    }
    const result = await trainBpeStreaming({ documents: documents(), vocabSize: 260, maxBytes: 30 });
    expect([result.documents, result.bytes, result.truncated]).toEqual([3, 33, true]);
    expect(pulled).toBe(4);
  });

  it('should check vocabSize before reading anything', async () => {
    let pulled = 0;
    async function* documents(): AsyncGenerator<string> {
      pulled++;
      await Promise.resolve(); // a stream's read
      yield 'x';
    }
    await expect(trainBpeStreaming({ documents: documents(), vocabSize: 100 })).rejects.toThrow(
      /trainBpeStreaming: vocabSize 100 must be an integer in \[256, 65536\]/,
    );
    expect(pulled).toBe(0);
    await expect(trainBpeStreaming({ documents: ['x'], vocabSize: 300, maxBytes: 0 })).rejects.toThrow(
      /maxBytes must be a positive integer, got 0/,
    );
    expect(() => trainBpeFromCounts({ counts: [['ab', 0]], vocabSize: 300 })).toThrow(
      /count 0 of pre-token "ab" must be a positive integer/,
    );
  });
});
