import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCorpusFile } from './read-corpus-file.js';

const directory = mkdtempSync(join(tmpdir(), 'normfree-data-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, data: string | Uint8Array): string {
  const path = join(directory, name);
  writeFileSync(path, data);
  return path;
}

const text = '{"repo_name":"a/b","path":"x.py","content":"x = 1\\n","license":"mit"}\n';

describe('readCorpusFile', () => {
  it('should detect gzip by its magic bytes, whatever the file name', async () => {
    const documents = await readCorpusFile(write('data.bin', gzipSync(text)));
    expect(documents).toEqual([{ content: 'x = 1\n', path: 'x.py', repoName: 'a/b', license: 'mit' }]);
    expect(await readCorpusFile(write('plain.jsonl', text))).toEqual(documents);
  });

  it('should read Parquet files', async () => {
    const path = new URL('../__fixtures__/codeparrot-brotli.parquet', import.meta.url).pathname;
    expect(await readCorpusFile(path)).toHaveLength(3);
  });

  it('should name the file for truncated gzip', async () => {
    const gzipped = gzipSync(text.repeat(100));
    const path = write('cut.json.gz', gzipped.subarray(0, gzipped.length >> 1));
    await expect(readCorpusFile(path)).rejects.toThrow(
      new RegExp(`${path.replace(/[.]/g, '\\.')}: cannot decompress gzip`),
    );
  });

  it('should name the file and line for a row without content', async () => {
    const path = write('rows.jsonl', `${text}${text}{"text":"y"}\n`);
    await expect(readCorpusFile(path)).rejects.toThrow(`${path}:3: no string "content" field`);
  });

  it('should name the file for invalid JSON', async () => {
    const path = write('broken.jsonl', `${text}{oops\n`);
    await expect(readCorpusFile(path)).rejects.toThrow(`${path}:2: invalid JSON`);
  });

  it('should name the file for an empty corpus and for a missing file', async () => {
    const path = write('empty.jsonl', '');
    await expect(readCorpusFile(path)).rejects.toThrow(`${path}: corpus is empty`);
    await expect(readCorpusFile(join(directory, 'missing.jsonl'))).rejects.toThrow(
      /missing\.jsonl: cannot read corpus file/,
    );
  });
});
