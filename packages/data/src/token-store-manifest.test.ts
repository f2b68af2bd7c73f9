import { describe, expect, it } from 'vitest';
import type { TokenStoreManifest } from './token-store-format.js';
import { parseTokenStoreManifest } from './token-store-manifest.js';
import { windowLocation } from './token-store-windows.js';

const sha = 'a'.repeat(64);

/** A valid manifest: T 4, uint16, 3 windows per shard, train 7 windows (3 + 3 + 1), validation 2. */
function validManifest(): TokenStoreManifest {
  const shard = (file: string, windows: number) => ({ file, windows, bytes: windows * 4 * 2, sha256: sha });
  return {
    format: 'normfree-token-store',
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    seqLen: 4,
    dtype: 'uint16',
    windowsPerShard: 3,
    tokenizer: { name: 'default-4096', vocabSize: 4096, sha256: sha, file: 'tokenizer.json' },
    field: 'content',
    splitRule: { kind: 'fraction', validationFraction: 0.05, seed: 0 },
    splits: {
      train: {
        documents: 3,
        tokens: 30,
        windows: 7,
        shards: [shard('train/00000.bin', 3), shard('train/00001.bin', 3), shard('train/00002.bin', 1)],
      },
      validation: { documents: 1, tokens: 9, windows: 2, shards: [shard('validation/00000.bin', 2)] },
    },
    sources: [{ path: '/data/a.jsonl', role: 'input', format: 'jsonl', bytes: 100, documents: 4 }],
    skippedFiles: [],
    limits: { maxTokens: 1000 },
  };
}

/** Parsed JSON as the edits below reach into it (they write values the manifest's type forbids). */
type JsonObject = Record<string, unknown>;

/** The object at a dotted path in `json`; array indices are segments too (`splits.train.shards.1`). */
function objectAt(json: JsonObject, path: string): JsonObject {
  return path.split('.').reduce((object, key) => object[key] as JsonObject, json);
}

/** The manifest as JSON with `edit` applied to a deep copy. */
function manifestText(edit: (json: JsonObject) => void = () => undefined): string {
  const json = structuredClone(validManifest()) as unknown as JsonObject;
  edit(json);
  return JSON.stringify(json);
}

describe('parseTokenStoreManifest', () => {
  it('should read a valid manifest unchanged', () => {
    expect(parseTokenStoreManifest(manifestText(), 'store/manifest.json')).toEqual(validManifest());
  });

  it.each([
    ['not JSON', () => '{', /m\.json: not valid JSON/],
    [
      'a wrong format',
      (j: JsonObject) => (j.format = 'other'),
      /m\.json: field "format" must be "normfree-token-store", got "other"/,
    ],
    ['a missing seqLen', (j: JsonObject) => delete j.seqLen, /m\.json: missing field "seqLen"/],
    ['a bad dtype', (j: JsonObject) => (j.dtype = 'int8'), /field "dtype" must be "uint16" or "uint32", got "int8"/],
    [
      'a dtype the vocabulary does not fit',
      (j: JsonObject) => (j.dtype = 'uint32'),
      /"dtype" is "uint32" but tokenizer.vocabSize 4096 needs "uint16"/,
    ],
    [
      'a short tokenizer hash',
      (j: JsonObject) => (objectAt(j, 'tokenizer').sha256 = 'abc'),
      /field "tokenizer.sha256" must be a SHA-256 .*got "abc"/,
    ],
    [
      'a bad split rule',
      (j: JsonObject) => (objectAt(j, 'splitRule').kind = 'random'),
      /field "splitRule.kind" must be "fraction" or "separate", got "random"/,
    ],
    [
      'a bad fraction',
      (j: JsonObject) => (objectAt(j, 'splitRule').validationFraction = 1),
      /field "splitRule.validationFraction" must be a number in \[0, 1\), got 1/,
    ],
    [
      "split windows that are not the shards' sum",
      (j: JsonObject) => (objectAt(j, 'splits.train').windows = 8),
      /"splits.train.windows" is 8, but its shards hold 7 windows/,
    ],
    [
      'a short middle shard',
      (j: JsonObject) => {
        objectAt(j, 'splits.train.shards.1').windows = 2;
        objectAt(j, 'splits.train.shards.1').bytes = 16;
        objectAt(j, 'splits.train').windows = 6;
      },
      /"splits.train.shards\[1\].windows" is 2, but every shard but a split's last must hold exactly windowsPerShard 3/,
    ],
    [
      'shard bytes that disagree with its windows',
      (j: JsonObject) => (objectAt(j, 'splits.validation.shards.0').bytes = 15),
      /"splits.validation.shards\[0\].bytes" is 15, but 2 windows × seqLen 4 × 2 bytes \(uint16\) = 16/,
    ],
    [
      'a shard out of order',
      (j: JsonObject) => (objectAt(j, 'splits.train.shards.0').file = 'train/00001.bin'),
      /"splits.train.shards\[0\].file" must be "train\/00000.bin", got "train\/00001.bin"/,
    ],
    [
      'a bad source role',
      (j: JsonObject) => (objectAt(j, 'sources.0').role = 'test'),
      /field "sources\[0\].role" must be "input" or "validation", got "test"/,
    ],
    [
      'a bad limit',
      (j: JsonObject) => (objectAt(j, 'limits').maxFiles = 0),
      /field "limits.maxFiles" must be an integer ≥ 1, got 0/,
    ],
  ])('should reject %s, naming the source, field and value', (_, edit, message) => {
    const text = typeof edit === 'function' && edit.length === 0 ? (edit as () => string)() : manifestText(edit);
    expect(() => parseTokenStoreManifest(text, 'm.json')).toThrow(message);
  });

  it('should say a newer version was written by a newer normfree', () => {
    expect(() =>
      parseTokenStoreManifest(
        manifestText((j) => (j.version = 2)),
        'm.json',
      ),
    ).toThrow(/m\.json: token store version 2 was written by a newer normfree \(this one reads version 1\)/);
  });

  it('should accept uint32 stores and stores without a tokenizer file', () => {
    const manifest = parseTokenStoreManifest(
      manifestText((j) => {
        j.tokenizer = { name: 'gpt2', vocabSize: 70000, sha256: sha };
        j.dtype = 'uint32';
        for (const split of ['train', 'validation']) {
          for (const shard of objectAt(j, `splits.${split}`).shards as JsonObject[])
            shard.bytes = Number(shard.bytes) * 2;
        }
      }),
      'm.json',
    );
    expect(manifest.tokenizer.file).toBeUndefined();
    expect(windowLocation(manifest, 4)).toEqual({ shard: 1, byteOffset: 16 });
  });
});
