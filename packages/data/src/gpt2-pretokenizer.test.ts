import { describe, expect, it } from 'vitest';
import { gpt2Pretokenize } from './gpt2-pretokenizer.js';

describe('gpt2Pretokenize', () => {
  it("should split like GPT-2's regex (contractions, leading spaces, trailing whitespace runs)", () => {
    expect(gpt2Pretokenize("Hello world's  x\n\n    def f():")).toEqual([
      'Hello',
      ' world',
      "'s",
      ' ',
      ' x',
      '\n\n   ',
      ' def',
      ' f',
      '():',
    ]);
  });

  it('should give the text back when the pieces are joined', () => {
    const text = 'import os\n\nclass Foo(Bar):\n\t"""Döc 123 — ünïcode 😀"""\r\n  return 42  \n';
    expect(gpt2Pretokenize(text).join('')).toBe(text);
  });
});
