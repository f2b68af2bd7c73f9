import { describe, expect, it } from 'vitest';
import { createBpeTokenizer } from './bpe-tokenizer.js';
import { byteToUnicode } from './byte-level-alphabet.js';
import { trainBpe } from './train-bpe.js';
import { tinyPythonDocuments } from './testing/index.js';

/** The 256 byte tokens in GPT-2 order plus the given merges. */
function byteVocab(extra: string[]): Record<string, number> {
  const vocab: Record<string, number> = {};
  const printable = [...byteToUnicode].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  printable.forEach((token, id) => (vocab[token] = id));
  extra.forEach((token, index) => (vocab[token] = 256 + index));
  return vocab;
}

describe('createBpeTokenizer', () => {
  it('should apply the lowest-ranked merge first, inside each pre-token only', () => {
    const tokenizer = createBpeTokenizer({
      vocab: byteVocab(['ab', 'bc', 'abc', 'Ġa']),
      merges: [
        ['b', 'c'],
        ['a', 'b'],
        ['a', 'bc'],
        ['Ġ', 'a'],
      ],
    });
    // "abc": (b,c) rank 0 beats (a,b) rank 1, then (a,bc) → "abc".
    expect(tokenizer.encode('abc')).toEqual([258]);
    // " ab": (a,b) rank 1 beats (Ġ,a) rank 3 → Ġ + ab.
    expect(tokenizer.encode(' ab')).toEqual([220, 256]);
    // "a a": the space starts a new pre-token, so no merge crosses it: a + Ġa.
    expect(tokenizer.encode('a a')).toEqual([64, 259]);
    expect(tokenizer.decode([258, 220, 256])).toBe('abc ab');
  });

  it('should merge repeated pairs left to right ("aaa" → aa + a)', () => {
    const tokenizer = createBpeTokenizer({ vocab: byteVocab(['aa']), merges: [['a', 'a']] });
    expect(tokenizer.encode('aaa')).toEqual([256, 64]);
    expect(tokenizer.encode('aaaa')).toEqual([256, 256]);
  });

  it('should name the source and the byte when the vocabulary lacks a byte token', () => {
    const vocab = byteVocab([]);
    delete vocab['Ċ'];
    expect(() => createBpeTokenizer({ vocab, merges: [], source: 'my.json' })).toThrow(
      /my\.json: vocabulary has no token for byte 0x0a \("Ċ"\)/,
    );
  });

  it('should name the merge when it uses an unknown token', () => {
    expect(() => createBpeTokenizer({ vocab: byteVocab([]), merges: [['a', 'b']], source: 'x' })).toThrow(
      /x: merge 0 \["a","b"\] uses token "ab"/,
    );
  });

  it('should throw naming the id when decoding an id outside the vocabulary', () => {
    const tokenizer = createBpeTokenizer({ vocab: byteVocab([]), merges: [] });
    expect(() => tokenizer.decode([1, 999])).toThrow(/cannot decode id 999 at position 1; vocabSize is 256/);
  });

  it('should put a space in front when addPrefixSpace is set, as HF does', () => {
    const tokenizer = createBpeTokenizer({ vocab: byteVocab(['Ġa']), merges: [['Ġ', 'a']], addPrefixSpace: true });
    expect(tokenizer.encode('a')).toEqual([256]);
    expect(tokenizer.encode(' a')).toEqual([256]);
  });
});

describe('trained tokenizer round trip', () => {
  const tokenizer = trainBpe({ documents: tinyPythonDocuments, vocabSize: 320, specialTokens: ['<|endoftext|>'] });

  it('should decode(encode(text)) to the exact text, for seen and unseen text', () => {
    const texts = [
      ...tinyPythonDocuments,
      '',
      '\n\n\t  \r\n',
      'unseen: Grüße, 東京, emoji 😀👍🏽, combining é, zero\u200bwidth',
      "it's 'quoted' 3.14e-10 0xFF",
    ];
    for (const text of texts) expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('should give ids below vocabSize and never the special id for special-token text', () => {
    const ids = tokenizer.encode('x = 1<|endoftext|>y = 2');
    expect(ids.every((id) => id >= 0 && id < tokenizer.vocabSize)).toBe(true);
    expect(ids).not.toContain(tokenizer.specialTokens['<|endoftext|>']);
    expect(tokenizer.decode(ids)).toBe('x = 1<|endoftext|>y = 2');
  });

  it('should decode the special id to its text', () => {
    expect(tokenizer.decode([tokenizer.specialTokens['<|endoftext|>']!])).toBe('<|endoftext|>');
  });

  it('should encode the same text to the same ids with a warm word cache', () => {
    const first = tokenizer.encode(tinyPythonDocuments[3]!);
    expect(tokenizer.encode(tinyPythonDocuments[3]!)).toEqual(first);
  });

  it('should encode the same ids with a small or no word cache (the cache only saves work)', () => {
    const json = tokenizer.toTokenizerJson();
    const options = { vocab: json.model.vocab, merges: tokenizer.merges, specialTokens: tokenizer.specialTokens };
    const expected = tinyPythonDocuments.map((document) => tokenizer.encode(document));
    for (const wordCacheLimit of [0, 1, 7]) {
      const small = createBpeTokenizer({ ...options, wordCacheLimit });
      expect(tinyPythonDocuments.map((document) => small.encode(document))).toEqual(expected);
    }
    expect(() => createBpeTokenizer({ ...options, wordCacheLimit: -1 })).toThrow(
      'wordCacheLimit must be a non-negative integer, got -1',
    );
  });
});
