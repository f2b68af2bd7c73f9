/**
 * Reading a prepare's saved `.prepare/state.json`: a state written by this version reads back as it
 * was; a damaged one is refused naming the file, the field and the value.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTemporaryFolders, temporaryFolder } from './__fixtures__/test-corpus.js';
import { prepareStateFormat, prepareStatePath, readPrepareState, type PrepareState } from './prepare-state.js';

const state: PrepareState = {
  format: prepareStateFormat,
  version: 1,
  identity: {
    seqLen: 8,
    windowsPerShard: 4,
    dtype: 'uint16',
    field: 'content',
    tokenizer: { name: 'default-4096', sha256: 'a'.repeat(64), vocabSize: 4096 },
    splitRule: { kind: 'fraction', validationFraction: 0.1, seed: 7 },
    inputs: [{ path: '/data/a.jsonl', bytes: 100, role: 'input' }],
    limits: { maxFiles: 1 },
  },
  cursor: { source: 0, row: 12 },
  splits: {
    train: {
      documents: 10,
      tokens: 80,
      shards: [{ file: 'train/00000.bin', windows: 4, bytes: 64, sha256: 'b'.repeat(64) }],
      partialWindows: 2,
    },
    validation: { documents: 2, tokens: 16, shards: [], partialWindows: 1 },
  },
  roles: { input: { documents: 12, tokens: 96 }, validation: { documents: 0, tokens: 0 } },
  sourceDocuments: [null],
  skippedFiles: [],
};

afterAll(removeTemporaryFolders);

async function storeWithState(content: unknown): Promise<string> {
  const storeDir = await temporaryFolder();
  await mkdir(dirname(prepareStatePath(storeDir)), { recursive: true });
  await writeFile(prepareStatePath(storeDir), JSON.stringify(content));
  return storeDir;
}

describe('readPrepareState', () => {
  it('reads a saved state back as it was, and none where there is none', async () => {
    expect(await readPrepareState(await storeWithState(state))).toEqual(state);
    expect(await readPrepareState(await temporaryFolder())).toBeUndefined();
  });

  it('names the file, the field and the value of a damaged state', async () => {
    const damaged = { ...state, cursor: { source: 0, row: -1 } };
    const storeDir = await storeWithState(damaged);
    await expect(readPrepareState(storeDir)).rejects.toThrow(
      `${prepareStatePath(storeDir)}: field "cursor.row" must be an integer ≥ 0, got -1; delete the folder to start over`,
    );
    const wrongShard = {
      ...state,
      splits: { ...state.splits, validation: { ...state.splits.validation, shards: [7] } },
    };
    await expect(readPrepareState(await storeWithState(wrongShard))).rejects.toThrow(
      'field "splits.validation.shards[0]" must be an object, got 7',
    );
    await expect(readPrepareState(await storeWithState({ format: 'other' }))).rejects.toThrow(
      'not a prepare state of version 1',
    );
  });
});
