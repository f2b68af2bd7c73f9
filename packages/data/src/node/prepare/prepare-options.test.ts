import { describe, expect, it } from 'vitest';
import { defaultValidationFraction } from '../../token-store-format.js';
import { tinyTokenizerSpec } from './__fixtures__/test-corpus.js';
import { checkPrepareOptions, prepareTokenStoreDefaults, type PrepareTokenStoreOptions } from './prepare-options.js';
import type { ResolvedCorpusInput } from './resolve-corpus-inputs.js';

const { spec } = tinyTokenizerSpec();
// Already resolved inputs: the check does not touch the file system for them.
const inputs: ResolvedCorpusInput[] = [
  { path: '/corpus/a.jsonl', bytes: 100, format: 'jsonl' },
  { path: '/corpus/b.jsonl', bytes: 250, format: 'jsonl' },
];
const validation: ResolvedCorpusInput[] = [{ path: '/corpus/valid.jsonl', bytes: 40, format: 'jsonl' }];

function options(overrides: Partial<PrepareTokenStoreOptions> = {}): PrepareTokenStoreOptions {
  return { inputs, tokenizer: spec, outDir: '/unused', workers: 1, ...overrides };
}

describe('checkPrepareOptions', () => {
  it('should apply the defaults, the validation fraction being the one store-wide default', async () => {
    const settings = await checkPrepareOptions(options());
    expect(prepareTokenStoreDefaults.validationFraction).toBe(defaultValidationFraction);
    expect(settings).toMatchObject({
      seqLen: 128,
      windowsPerShard: 65536,
      batchChars: 1 << 20,
      field: 'content',
      seed: 0,
      validationFraction: 0.05,
      vocabSize: 300,
      dtype: 'uint16',
      windowBytes: 256,
      splitRule: { kind: 'fraction', validationFraction: 0.05, seed: 0 },
      limits: {},
    });
  });

  it('should compute the identity a resume must match, inputs in reading order with their roles', async () => {
    const settings = await checkPrepareOptions(options({ validation, seqLen: 8, maxFiles: 3 }));
    expect(settings.identity).toEqual({
      seqLen: 8,
      windowsPerShard: 65536,
      dtype: 'uint16',
      field: 'content',
      tokenizer: { name: 'tiny', sha256: settings.tokenizer.sha256, vocabSize: 300 },
      splitRule: { kind: 'separate' },
      inputs: [
        { path: '/corpus/a.jsonl', bytes: 100, role: 'input' },
        { path: '/corpus/b.jsonl', bytes: 250, role: 'input' },
        { path: '/corpus/valid.jsonl', bytes: 40, role: 'validation' },
      ],
      limits: { maxFiles: 3 },
    });
    expect(settings.inputs.map((input) => input.role)).toEqual(['input', 'input', 'validation']);
  });

  it('should name the first bad option and its value', async () => {
    const cases: [Partial<PrepareTokenStoreOptions>, string][] = [
      [{ seqLen: 0, windowsPerShard: 0 }, 'prepareTokenStore: seqLen must be a positive integer, got 0'],
      [{ windowsPerShard: 1.5 }, 'prepareTokenStore: windowsPerShard must be a positive integer, got 1.5'],
      [{ batchChars: -1 }, 'prepareTokenStore: batchChars must be a positive integer, got -1'],
      [{ workers: -1 }, 'prepareTokenStore: workers must be a non-negative integer, got -1'],
      [{ maxFiles: 0 }, 'prepareTokenStore: maxFiles must be a positive integer, got 0'],
      [{ maxTokens: 2.5 }, 'prepareTokenStore: maxTokens must be a positive integer, got 2.5'],
      [{ seed: 0.5 }, 'prepareTokenStore: seed 0.5 must be an integer'],
      [{ validationFraction: 1 }, 'prepareTokenStore: validationFraction 1 must be in [0, 1)'],
      [{ inputs: [] }, 'prepareTokenStore: no inputs given'],
      [{ validation: [] }, 'prepareTokenStore: validation inputs were given as an empty list'],
      [{ validation: [inputs[1]!] }, '/corpus/b.jsonl: the same corpus file is given twice'],
    ];
    for (const [overrides, message] of cases) {
      await expect(checkPrepareOptions(options(overrides)), JSON.stringify(overrides)).rejects.toThrow(message);
    }
  });

  it('should refuse a mix of patterns and resolved inputs', async () => {
    const mixed = ['/corpus/*.jsonl', inputs[0]!] as unknown as readonly string[];
    await expect(checkPrepareOptions(options({ inputs: mixed }))).rejects.toThrow(
      'prepareTokenStore: inputs must be all patterns (strings) or all resolved inputs, not a mix',
    );
  });
});
