/**
 * Reads a corpus file from disk (Node only): gzip JSON lines, Parquet or plain JSON lines,
 * detected from the first bytes, not the file name.
 */
import { readFile } from 'node:fs/promises';
import type { CorpusDocument } from '../corpus-document.js';
import { readCorpus } from '../read-corpus.js';

/**
 * Reads a CodeParrot corpus file.
 *
 * @param path - file path; named in every error message.
 * @returns the documents in file order.
 * @throws Error naming the file for a missing file, truncated gzip, invalid JSON (with the line), a
 *   line without `content` (with the line), a Parquet file without a `content` column (with its
 *   columns), or an empty corpus.
 */
export async function readCorpusFile(path: string): Promise<CorpusDocument[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`${path}: cannot read corpus file (${(error as Error).message})`);
  }
  return readCorpus(bytes, { source: path });
}
