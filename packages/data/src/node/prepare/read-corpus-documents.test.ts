import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  documentsOf,
  removeTemporaryFolders,
  temporaryFolder,
  writeJsonLinesGz,
  writeParquet,
} from './__fixtures__/test-corpus.js';
import { readCorpusDocuments, type ReadCorpusDocumentsOptions } from './read-corpus-documents.js';
import { resolveCorpusInputs } from './resolve-corpus-inputs.js';

afterAll(removeTemporaryFolders);

async function readAll(path: string, options: ReadCorpusDocumentsOptions = {}) {
  const [input] = await resolveCorpusInputs([path]);
  const rows = [];
  for await (const row of readCorpusDocuments(input!, options)) rows.push(row);
  return rows;
}

describe('readCorpusDocuments', () => {
  it('should stream gzip JSON lines, skipping blank lines and the first startRow rows', async () => {
    const root = await temporaryFolder();
    const documents = documentsOf(0, 12);
    const path = await writeJsonLinesGz(join(root, 'a.jsonl.gz'), documents);
    const rows = await readAll(path);
    expect(rows.map((row) => row.content)).toEqual(documents);
    expect(rows.map((row) => row.row)).toEqual(documents.map((_, index) => index));
    expect(rows[3]!.location).toBe(`${path}:5`); // line 4 is blank
    expect(rows.at(-1)!.bytesRead).toBe((await readFile(path)).length);
    const resumed = await readAll(path, { startRow: 7 });
    expect(resumed.map((row) => row.row)).toEqual([7, 8, 9, 10, 11]);
    expect(resumed[0]!.content).toBe(documents[7]);
  });

  it('should read Parquet row group by row group from any start row', async () => {
    const root = await temporaryFolder();
    const documents = documentsOf(1, 17);
    const path = await writeParquet(join(root, 'a.parquet'), documents, 5);
    expect((await readAll(path)).map((row) => row.content)).toEqual(documents);
    const resumed = await readAll(path, { startRow: 6 });
    expect(resumed.map((row) => row.row)).toEqual(documents.map((_, index) => index).slice(6));
    expect(resumed[0]!.location).toBe(`${path}: row 6`);
  });

  it('should name the file and line of a row without the field, of invalid JSON and of invalid UTF-8', async () => {
    const root = await temporaryFolder();
    const lines = ['{"content":"a"}', '{"text":"b","path":"x.py"}'];
    const missing = join(root, 'shard.jsonl.gz');
    await writeFile(missing, gzipSync(lines.join('\n')));
    await expect(readAll(missing)).rejects.toThrow(
      `${missing}:2: no string "content" field (got no such field; keys: text, path)`,
    );
    const invalid = join(root, 'bad.jsonl');
    await writeFile(invalid, '{"content":"a"}\n{"content": nope}\n');
    await expect(readAll(invalid)).rejects.toThrow(`${invalid}:2: invalid JSON`);
    const binary = join(root, 'binary.jsonl');
    await writeFile(
      binary,
      Buffer.concat([Buffer.from('{"content":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]),
    );
    await expect(readAll(binary)).rejects.toThrow(`${binary}:1: not valid UTF-8 text`);
    await expect(readAll(missing, { field: 'text', startRow: 1 })).resolves.toHaveLength(1);
  });

  it('should find a truncated gzip or Parquet file before yielding any document', async () => {
    const root = await temporaryFolder();
    const gzip = join(root, 'cut.jsonl.gz');
    const whole = gzipSync(
      documentsOf(2, 30)
        .map((content) => JSON.stringify({ content }))
        .join('\n'),
    );
    await writeFile(gzip, whole.subarray(0, whole.length - 30));
    await expect(readAll(gzip)).rejects.toThrow(`${gzip}: cannot decompress gzip`);
    const parquet = join(root, 'cut.parquet');
    await writeParquet(parquet, documentsOf(2, 30));
    const bytes = await readFile(parquet);
    await writeFile(parquet, bytes.subarray(0, bytes.length >> 1));
    await expect(readAll(parquet)).rejects.toThrow(`${parquet}: not a readable Parquet file`);
    const noColumn = await writeParquet(join(root, 'other.parquet'), ['x']);
    await expect(readAll(noColumn, { field: 'text' })).rejects.toThrow(
      'has no "text" column (columns: repo_name, content)',
    );
  });
});
