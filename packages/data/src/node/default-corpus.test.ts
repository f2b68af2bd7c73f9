import { describe, expect, it } from 'vitest';
import { loadDefaultCorpus, loadDefaultTokenizer } from './default-corpus.js';

describe('default corpus and tokenizer', () => {
  it('should ship 638 stdlib files without tests, in CodeParrot rows', async () => {
    const documents = await loadDefaultCorpus();
    expect(documents).toHaveLength(638);
    expect(documents.every((document) => document.path?.startsWith('Lib/') && document.license === 'psf-2.0')).toBe(
      true,
    );
    expect(documents.some((document) => /(^|\/)(tests?|idle_test)\/|\/test_[^/]*\.py$/.test(document.path!))).toBe(
      false,
    );
  });

  it('should ship a 4096-token BPE whose last id is <|endoftext|>', async () => {
    const tokenizer = await loadDefaultTokenizer();
    expect(tokenizer.vocabSize).toBe(4096);
    expect(tokenizer.specialTokens).toEqual({ '<|endoftext|>': 4095 });
    expect(tokenizer.merges).toHaveLength(3839);
  });
});
