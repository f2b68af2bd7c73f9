import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readParquet } from './read-parquet.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
const expectedRows = JSON.parse(fixture('codeparrot-rows.json').toString()) as {
  repo_name: string;
  path: string;
  content: string;
  license: string;
}[];

describe('readParquet', () => {
  // Written by pyarrow 25.0.1 (how Hugging Face writes dataset shards); zstd-v2 has data page v2,
  // dictionary encoding, one row group per row and a page index.
  for (const codec of ['none', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4', 'zstd-v2']) {
    it(`should read every content value of a ${codec} file byte for byte`, async () => {
      const documents = await readParquet(fixture(`codeparrot-${codec}.parquet`), { source: `${codec}.parquet` });
      expect(documents).toEqual(
        expectedRows.map((row) => ({
          content: row.content,
          path: row.path,
          repoName: row.repo_name,
          license: row.license,
        })),
      );
    });
  }

  it('should name the file and its columns when there is no content column', async () => {
    await expect(readParquet(fixture('no-content-column.parquet'), { source: 'shard.parquet' })).rejects.toThrow(
      /shard\.parquet: Parquet file has no "content" column \(columns: repo_name, text\)/,
    );
  });

  it('should name the file when the bytes are not Parquet', async () => {
    const bytes = fixture('codeparrot-snappy.parquet');
    await expect(readParquet(bytes.subarray(0, 100), { source: 'cut.parquet' })).rejects.toThrow(
      /cut\.parquet: not a readable Parquet file/,
    );
  });
});
