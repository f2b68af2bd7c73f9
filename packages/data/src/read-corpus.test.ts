import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { detectCorpusFormat, readCorpus } from './read-corpus.js';

const encoder = new TextEncoder();
const jsonl = encoder.encode('{"content":"a = 1\\n"}\n{"content":"b = 2\\n"}\n');
const parquet = readFileSync(new URL('./__fixtures__/codeparrot-zstd.parquet', import.meta.url));

function streamOf(bytes: Uint8Array, chunkSize: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

describe('readCorpus', () => {
  it('should detect gzip, Parquet and plain JSON lines from the magic bytes', () => {
    expect(detectCorpusFormat(gzipSync(jsonl))).toBe('jsonl.gz');
    expect(detectCorpusFormat(parquet)).toBe('parquet');
    expect(detectCorpusFormat(jsonl)).toBe('jsonl');
  });

  it('should read all three formats from bytes, an ArrayBuffer and a chunked stream', async () => {
    const expected = [{ content: 'a = 1\n' }, { content: 'b = 2\n' }];
    expect(await readCorpus(jsonl, { source: 'a.jsonl' })).toEqual(expected);
    expect(await readCorpus(gzipSync(jsonl).slice().buffer, { source: 'a.jsonl.gz' })).toEqual(expected);
    expect(await readCorpus(streamOf(gzipSync(jsonl), 7), { source: 'stream' })).toEqual(expected);
    const fromParquet = await readCorpus(streamOf(parquet, 100), { source: 'p.parquet' });
    expect(fromParquet.map((document) => document.path)).toEqual(['x.py', 'y.py', 'z.py']);
  });

  it('should reject an empty corpus, naming the source', async () => {
    await expect(readCorpus(encoder.encode('\n\n'), { source: 'empty.jsonl' })).rejects.toThrow(
      /empty\.jsonl: corpus is empty \(0 documents\)/,
    );
    await expect(readCorpus(new Uint8Array(0), { source: 'zero.jsonl' })).rejects.toThrow(
      /zero\.jsonl: corpus is empty/,
    );
  });
});
