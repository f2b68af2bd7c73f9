import { describe, expect, it } from 'vitest';
import { loadTokenizerJson } from './load-tokenizer-json.js';
import { trainBpe } from './train-bpe.js';
import { tinyPythonDocuments } from './testing/index.js';

const tokenizer = trainBpe({ documents: tinyPythonDocuments, vocabSize: 300, specialTokens: ['<|endoftext|>'] });

describe('toTokenizerJson', () => {
  it('should write a byte-level BPE tokenizer.json (GPT-2 layout)', () => {
    const json = tokenizer.toTokenizerJson();
    expect(json.pre_tokenizer).toEqual({
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    });
    expect(json.decoder.type).toBe('ByteLevel');
    expect(json.model.type).toBe('BPE');
    expect(Object.keys(json.model.vocab)).toHaveLength(300);
    expect(json.model.vocab['<|endoftext|>']).toBe(299);
    expect(json.model.merges).toHaveLength(tokenizer.merges.length);
    expect(json.added_tokens).toEqual([
      {
        id: 299,
        content: '<|endoftext|>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ]);
  });

  it('should load back to a tokenizer with identical ids and decoding', () => {
    const loaded = loadTokenizerJson(JSON.stringify(tokenizer.toTokenizerJson()), { source: 'round-trip.json' });
    expect(loaded.vocabSize).toBe(tokenizer.vocabSize);
    expect(loaded.specialTokens).toEqual(tokenizer.specialTokens);
    for (const text of [...tinyPythonDocuments, 'üñí 😀 <|endoftext|>']) {
      expect(loaded.encode(text)).toEqual(tokenizer.encode(text));
      expect(loaded.decode(loaded.encode(text))).toBe(text);
    }
  });

  it('should read merges written as "a b" strings (older tokenizers)', () => {
    const json = tokenizer.toTokenizerJson();
    const old = { ...json, model: { ...json.model, merges: json.model.merges.map(([a, b]) => `${a} ${b}`) } };
    const loaded = loadTokenizerJson(old, { source: 'old.json' });
    expect(loaded.encode(tinyPythonDocuments[0]!)).toEqual(tokenizer.encode(tinyPythonDocuments[0]!));
  });
});

describe('loadTokenizerJson errors', () => {
  const good = tokenizer.toTokenizerJson();
  const cases: [string, unknown, RegExp][] = [
    ['text that is not JSON', '{"model":', /bad\.json: not valid JSON/],
    ['an array', [], /bad\.json: field "\(root\)" must be a tokenizer\.json object, got \[\]/],
    ['no model', { ...good, model: undefined }, /bad\.json: missing field "model"/],
    [
      'a WordPiece model',
      { ...good, model: { ...good.model, type: 'WordPiece' } },
      /"model\.type" must be "BPE", got "WordPiece"/,
    ],
    ['no vocab', { ...good, model: { ...good.model, vocab: undefined } }, /missing field "model\.vocab"/],
    [
      'no merges',
      { ...good, model: { ...good.model, merges: 'x' } },
      /field "model\.merges" must be an array of merges, got "x"/,
    ],
    [
      'a bad merge',
      { ...good, model: { ...good.model, merges: [['a', 'b', 'c']] } },
      /"model\.merges\[0\]" must be "a b" or \["a","b"\], got \["a","b","c"\]/,
    ],
    [
      'a negative id',
      { ...good, model: { ...good.model, vocab: { ...good.model.vocab, x: -1 } } },
      /field "model\.vocab\.x" must be a non-negative integer id, got -1/,
    ],
    ['a normalizer', { ...good, normalizer: { type: 'NFC' } }, /"normalizer" must be null/],
    [
      'a Metaspace pre-tokenizer',
      { ...good, pre_tokenizer: { type: 'Metaspace' } },
      /field "pre_tokenizer\.type" must be "ByteLevel", got "Metaspace"/,
    ],
    [
      'use_regex false',
      { ...good, pre_tokenizer: { ...good.pre_tokenizer, use_regex: false } },
      /field "pre_tokenizer\.use_regex" must be true \(only the GPT-2 regex is supported\), got false/,
    ],
    ['dropout', { ...good, model: { ...good.model, dropout: 0.1 } }, /"model\.dropout" must be null.*0\.1/],
    [
      'a bad added token',
      { ...good, added_tokens: [{ id: 3 }] },
      /bad\.json: missing field "added_tokens\[0\]\.content" \(a string\)/,
    ],
  ];
  for (const [name, input, pattern] of cases) {
    it(`should name the file and field for ${name}`, () => {
      expect(() => loadTokenizerJson(input as object, { source: 'bad.json' })).toThrow(pattern);
    });
  }
});
