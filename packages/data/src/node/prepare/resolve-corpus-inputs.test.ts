import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTemporaryFolders, temporaryFolder, writeJsonLinesGz, writeParquet } from './__fixtures__/test-corpus.js';
import { naturalCompare, resolveCorpusInputs } from './resolve-corpus-inputs.js';

afterAll(removeTemporaryFolders);

describe('resolveCorpusInputs', () => {
  it('should list a folder recursively in natural order, with sizes and formats from the first bytes', async () => {
    const root = await temporaryFolder();
    await mkdir(join(root, 'nested'));
    await writeJsonLinesGz(join(root, 'file-10.jsonl.gz'), ['a']);
    await writeJsonLinesGz(join(root, 'file-2.json.gz'), ['b']);
    await writeParquet(join(root, 'nested', 'rows.parquet'), ['c']);
    await writeFile(join(root, 'plain.jsonl'), '{"content":"d"}\n');
    await writeFile(join(root, 'README.md'), 'not a corpus');
    await mkdir(join(root, '.cache'));
    await writeFile(join(root, '.cache', 'hidden.jsonl'), '{"content":"e"}\n');
    const inputs = await resolveCorpusInputs([root]);
    expect(inputs.map((input) => [input.path.slice(root.length + 1), input.format])).toEqual([
      ['file-2.json.gz', 'jsonl.gz'],
      ['file-10.jsonl.gz', 'jsonl.gz'],
      ['nested/rows.parquet', 'parquet'],
      ['plain.jsonl', 'jsonl'],
    ]);
    expect(inputs[3]!.bytes).toBe(16);
  });

  it('should take only data/train-* of a Hugging Face dataset folder', async () => {
    const root = await temporaryFolder();
    await mkdir(join(root, 'data'));
    for (const name of [
      'train-00001-of-00002.parquet',
      'train-00000-of-00002.parquet',
      'validation-00000-of-00001.parquet',
    ]) {
      await writeParquet(join(root, 'data', name), ['x']);
    }
    const inputs = await resolveCorpusInputs([root]);
    expect(inputs.map((input) => input.path.slice(root.length + 1))).toEqual([
      'data/train-00000-of-00002.parquet',
      'data/train-00001-of-00002.parquet',
    ]);
  });

  it('should expand globs and read an explicit file whatever its name', async () => {
    const root = await temporaryFolder();
    await writeJsonLinesGz(join(root, 'a-1.jsonl.gz'), ['a']);
    await writeJsonLinesGz(join(root, 'a-3.jsonl.gz'), ['a']);
    await writeJsonLinesGz(join(root, 'weird.name'), ['a']);
    const inputs = await resolveCorpusInputs([join(root, 'a-*.jsonl.gz'), join(root, 'weird.name')]);
    expect(inputs.map((input) => input.path.slice(root.length + 1))).toEqual([
      'a-1.jsonl.gz',
      'a-3.jsonl.gz',
      'weird.name',
    ]);
    expect(inputs[2]!.format).toBe('jsonl.gz');
  });

  it('should name a pattern that matches nothing, and a file given twice', async () => {
    const root = await temporaryFolder();
    await writeJsonLinesGz(join(root, 'a.jsonl.gz'), ['a']);
    await expect(resolveCorpusInputs([join(root, 'missing.jsonl')])).rejects.toThrow(
      `${join(root, 'missing.jsonl')}: no such file or folder`,
    );
    await expect(resolveCorpusInputs([join(root, '*.parquet')])).rejects.toThrow('the pattern matches nothing');
    await expect(resolveCorpusInputs([root, join(root, 'a.jsonl.gz')])).rejects.toThrow(
      `${join(root, 'a.jsonl.gz')}: the same corpus file is given twice`,
    );
  });
});

describe('naturalCompare', () => {
  it('should order digit runs by value', () => {
    expect(['f-10', 'f-2', 'f-1', 'e'].sort(naturalCompare)).toEqual(['e', 'f-1', 'f-2', 'f-10']);
  });
});
