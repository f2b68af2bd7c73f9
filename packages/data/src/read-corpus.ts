/**
 * Reads a corpus file of any supported format from bytes or a stream (browser-safe): gzip JSON
 * lines (magic `1f 8b`), Parquet (magic `PAR1`), else plain JSON lines.
 */
import type { CorpusDocument, ReadCorpusOptions } from './corpus-document.js';
import { isGzip } from './gunzip.js';
import { readJsonLines } from './read-json-lines.js';
import { isParquet, readParquet } from './read-parquet.js';

/** What {@link readCorpus} accepts: bytes, or a stream of bytes (e.g. `(await fetch(url)).body`). */
export type CorpusInput = Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;

/** The detected format of a corpus file. */
export type CorpusFormat = 'jsonl' | 'jsonl.gz' | 'parquet';

/**
 * Detects the format from the first bytes.
 *
 * @param bytes - the start of the file (4 bytes suffice).
 * @returns `'jsonl.gz'` for gzip magic, `'parquet'` for `PAR1`, else `'jsonl'`.
 */
export function detectCorpusFormat(bytes: Uint8Array): CorpusFormat {
  if (isGzip(bytes)) return 'jsonl.gz';
  if (isParquet(bytes)) return 'parquet';
  return 'jsonl';
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Reads a CodeParrot corpus (JSON lines, gzipped JSON lines or Parquet), detecting the format.
 * A stream is read to its end first (corpus files are parsed whole).
 *
 * @param input - the file's bytes or a byte stream.
 * @param options.source - file name or URL, named in every error message.
 * @returns the documents in file order; at least one.
 * @throws Error naming `source` for every problem the format readers report, and for an empty corpus.
 */
export async function readCorpus(input: CorpusInput, options: ReadCorpusOptions): Promise<CorpusDocument[]> {
  const bytes =
    input instanceof Uint8Array ? input : input instanceof ArrayBuffer ? new Uint8Array(input) : await collect(input);
  const documents = isParquet(bytes) ? await readParquet(bytes, options) : readJsonLines(bytes, options);
  if (documents.length === 0) throw new Error(`${options.source}: corpus is empty (0 documents)`);
  return documents;
}
