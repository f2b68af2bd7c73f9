import { describe, expect, it } from 'vitest';
import { tinyTokenizerSpec } from './__fixtures__/test-corpus.js';
import { checkPrepareOptions } from './prepare-options.js';
import type { PrepareSessionSummary } from './prepare-session.js';
import { buildStoreManifest } from './write-store-manifest.js';

const { spec } = tinyTokenizerSpec();

describe('buildStoreManifest', () => {
  it('should list only the inputs that were read, the skipped ones apart, and the tokenizer file', async () => {
    const settings = await checkPrepareOptions({
      inputs: [
        { path: '/corpus/a.jsonl', bytes: 100, format: 'jsonl' },
        { path: '/corpus/b.parquet', bytes: 250, format: 'parquet' },
        { path: '/corpus/c.jsonl.gz', bytes: 70, format: 'jsonl.gz' },
      ],
      tokenizer: spec,
      seqLen: 8,
      validationFraction: 0.2,
      seed: 7,
      maxTokens: 500,
      outDir: '/unused',
      workers: 0,
    });
    const shard = { file: 'train/00000.bin', windows: 3, bytes: 48, sha256: 'ab' };
    const summary: PrepareSessionSummary = {
      splits: {
        train: { documents: 4, tokens: 40, windows: 3, shards: [shard] },
        validation: { documents: 1, tokens: 5, windows: 0, shards: [] },
      },
      sourceDocuments: [5, null],
      skippedFiles: [{ source: 1, path: '/corpus/b.parquet', reason: 'not a readable Parquet file' }],
    };
    const manifest = buildStoreManifest({ outDir: '/unused', settings, summary, createdAt: new Date(0) });
    expect(manifest).toEqual({
      format: 'normfree-token-store',
      version: 1,
      createdAt: '1970-01-01T00:00:00.000Z',
      seqLen: 8,
      dtype: 'uint16',
      windowsPerShard: 65536,
      tokenizer: { name: 'tiny', vocabSize: 300, sha256: settings.tokenizer.sha256, file: 'tokenizer.json' },
      field: 'content',
      splitRule: { kind: 'fraction', validationFraction: 0.2, seed: 7 },
      splits: {
        train: { documents: 4, tokens: 40, windows: 3, shards: [shard] },
        validation: { documents: 1, tokens: 5, windows: 0, shards: [] },
      },
      sources: [{ path: '/corpus/a.jsonl', role: 'input', format: 'jsonl', bytes: 100, documents: 5 }],
      skippedFiles: [{ path: '/corpus/b.parquet', reason: 'not a readable Parquet file' }],
      limits: { maxTokens: 500 },
    });
    // Key order is part of the bytes of manifest.json.
    expect(Object.keys(manifest.splits.train)).toEqual(['documents', 'tokens', 'windows', 'shards']);
  });
});
