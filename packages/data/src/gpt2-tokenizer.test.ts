import { describe, expect, it } from 'vitest';
import { createGpt2Tokenizer } from './gpt2-tokenizer.js';

describe('createGpt2Tokenizer', () => {
  const tokenizer = createGpt2Tokenizer();

  it('should give GPT-2 ids for "Hello world"', () => {
    expect(tokenizer.encode('Hello world')).toEqual([15496, 995]);
    expect(tokenizer.vocabSize).toBe(50257);
    expect(tokenizer.specialTokens).toEqual({ '<|endoftext|>': 50256 });
  });

  it('should encode <|endoftext|> text as ordinary text, not id 50256', () => {
    const ids = tokenizer.encode('a<|endoftext|>b');
    expect(ids).not.toContain(50256);
    expect(tokenizer.decode(ids)).toBe('a<|endoftext|>b');
  });

  it('should round-trip code through decode', () => {
    const text = 'def f(x):\n    return x ** 2  # squäre\n\n\n';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    expect(tokenizer.encode('\n\n')).toEqual([628]);
  });
});
