import { describe, expect, it } from 'vitest';
import { trainBpe } from './train-bpe.js';
import { tinyPythonDocuments } from './testing/index.js';

describe('trainBpe', () => {
  it('should fill the vocabulary: 256 bytes, then merges, then special tokens', () => {
    const tokenizer = trainBpe({ documents: tinyPythonDocuments, vocabSize: 300, specialTokens: ['<|endoftext|>', '<|pad|>'] });
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
