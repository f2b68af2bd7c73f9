import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { gpt2TokenizerIdentity } from '../../token-store-format.js';
import { defaultAssetPaths } from '../default-corpus.js';
import { createTokenizerFromSpec, tokenizerIdentity, tokenizerSpecFromName } from './tokenizer-spec.js';

describe('tokenizerSpecFromName', () => {
  it('should read the embedded 4096 BPE under its name, byte for byte', async () => {
    const spec = await tokenizerSpecFromName('default-4096');
    expect(spec).toMatchObject({ kind: 'json', name: 'default-4096' });
    expect(createTokenizerFromSpec(spec).vocabSize).toBe(4096);
    const bytes = await readFile(defaultAssetPaths.tokenizer);
    const identity = tokenizerIdentity(spec);
    expect(Buffer.from(identity.fileBytes!).equals(bytes)).toBe(true);
    expect(identity.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('should describe GPT-2 by its identity text, without a file', async () => {
    const spec = await tokenizerSpecFromName('gpt2');
    expect(createTokenizerFromSpec(spec).vocabSize).toBe(50257);
    expect(tokenizerIdentity(spec)).toEqual({
      name: 'gpt2',
      sha256: createHash('sha256').update(gpt2TokenizerIdentity).digest('hex'),
    });
  });

  it('should name a tokenizer file it cannot read', async () => {
    await expect(tokenizerSpecFromName('/no/such/tokenizer.json')).rejects.toThrow(
      '/no/such/tokenizer.json: cannot read tokenizer file',
    );
  });
});
