// A real 50K byte-level BPE file through loadTokenizerJson: GPT-2's tokenizer.json is rebuilt from
// gpt-tokenizer's r50k ranks (no download), then our encoder must give gpt-tokenizer's ids.
import ranks from 'gpt-tokenizer/bpeRanks/r50k_base';
import { describe, expect, it } from 'vitest';
import { bytesToByteLevel } from './byte-level-alphabet.js';
import { createGpt2Tokenizer } from './gpt2-tokenizer.js';
import { loadTokenizerJson } from './load-tokenizer-json.js';
import { tinyPythonDocuments } from './testing/index.js';

/** GPT-2's vocab and merges from tiktoken-style ranks (id = rank; merge = the last split of a token). */
function gpt2TokenizerJson(): object {
  const encoder = new TextEncoder();
  const tokens = ranks.map((entry) => bytesToByteLevel(typeof entry === 'string' ? encoder.encode(entry) : entry));
  const rankOf = new Map(tokens.map((token, rank) => [token, rank] as const));
  const merges: [string, string][] = [];
  for (let rank = 256; rank < tokens.length; rank++) {
    // BPE on the token's own bytes with ranks below its own ends in exactly two parts.
    let parts = [...tokens[rank]!];
    while (parts.length > 2) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const pairRank = rankOf.get(parts[i]! + parts[i + 1]!);
        if (pairRank !== undefined && pairRank < bestRank) [best, bestRank] = [i, pairRank];
      }
      parts = [...parts.slice(0, best), parts[best]! + parts[best + 1]!, ...parts.slice(best + 2)];
    }
    merges.push([parts[0]!, parts[1]!]);
  }
  const vocab = Object.fromEntries(tokens.map((token, rank) => [token, rank]));
  vocab['<|endoftext|>'] = 50256;
  return {
    version: '1.0',
    added_tokens: [{ id: 50256, content: '<|endoftext|>', special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true },
    decoder: { type: 'ByteLevel' },
    model: { type: 'BPE', dropout: null, unk_token: null, vocab, merges: merges.map((merge) => merge.join(' ')) },
  };
}

describe('loadTokenizerJson on GPT-2 (50,257 ids, 50,000 merges)', () => {
  it('should give the same ids as gpt-tokenizer', () => {
    const ours = loadTokenizerJson(gpt2TokenizerJson(), { source: 'gpt2/tokenizer.json' });
    const reference = createGpt2Tokenizer();
    expect(ours.vocabSize).toBe(50257);
    expect(ours.merges).toHaveLength(50000);
    const texts = [...tinyPythonDocuments, 'Hello world', "Grüße aus 東京 😀 it's 3.14\n\n\n    x", ' '.repeat(40)];
    for (const text of texts) expect(ours.encode(text)).toEqual(reference.encode(text));
    expect(ours.decode(ours.encode('naïve café'))).toBe('naïve café');
  });
});
