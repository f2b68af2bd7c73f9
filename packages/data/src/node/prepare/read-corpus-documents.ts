/**
 * Streaming corpus readers (Node only): one document at a time from JSON lines (plain or gzip) and
 * Parquet, so memory does not grow with the file. The whole-file readers of the root entry
 * (`readCorpus`) are for small corpora; these are for CodeParrot's tens of gigabytes.
 *
 * A truncated gzip or Parquet file is caught by {@link checkCorpusFile} before any of its documents
 * is used: gzip's length and CRC live at its end, and a Parquet file's metadata is its footer.
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
  type FileMetaData,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { checkInteger } from '@normfree/core';
import { parseCorpusLine } from '../../read-json-lines.js';
import type { ResolvedCorpusInput } from './resolve-corpus-inputs.js';

/** Options of {@link readCorpusDocuments} and {@link checkCorpusFile}. */
export interface ReadCorpusDocumentsOptions {
  /** The row field (JSON key or Parquet column) holding the text (default `content`). */
  field?: string;
  /** Rows to skip at the start (default 0): where a resumed prepare picks up. */
  startRow?: number;
  /** Run {@link checkCorpusFile} before the first document (default true). */
  verify?: boolean;
}

/** One document of a corpus file. */
export interface CorpusRow {
  /** 0-based index of the document in its file (blank JSON lines are not rows). */
  readonly row: number;
  readonly content: string;
  /** Where to point a user at the row: `shard.jsonl.gz:17` (1-based line) or `shard.parquet: row 16`. */
  readonly location: string;
  /** Bytes of the file on disk consumed so far (compressed bytes; approximate within a Parquet row group). */
  readonly bytesRead: number;
}

/**
 * Checks that a corpus file can be read to its end before any of its documents is used: a gzip
 * file is decompressed once to nowhere (zlib checks its length and CRC), a Parquet file's footer
 * is parsed and must have the field's column. Plain JSON lines need no pass (a cut last line is
 * invalid JSON, named when read).
 *
 * @param input - a resolved corpus file.
 * @param options.field - the column a Parquet file must have (default `content`).
 * @throws Error naming the file and what is wrong.
 */
export async function checkCorpusFile(input: ResolvedCorpusInput, options: { field?: string } = {}): Promise<void> {
  if (input.format === 'jsonl.gz') {
    try {
      await pipeline(
        createReadStream(input.path),
        createGunzip(),
        new Writable({
          write(_chunk, _encoding, callback) {
            callback();
          },
        }),
      );
    } catch (error) {
      throw new Error(
        `${input.path}: cannot decompress gzip (${(error as Error).message}); the file may be truncated or corrupt`,
      );
    }
  } else if (input.format === 'parquet') {
    await parquetFileMetadata(input, options.field ?? 'content');
  }
}

async function parquetFileMetadata(input: ResolvedCorpusInput, field: string): Promise<FileMetaData> {
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(await asyncBufferFromFile(input.path));
  } catch (error) {
    throw new Error(
      `${input.path}: not a readable Parquet file (${(error as Error).message}); the file may be truncated or corrupt`,
    );
  }
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  if (!columns.includes(field)) {
    throw new Error(
      `${input.path}: Parquet file has no ${JSON.stringify(field)} column (columns: ${columns.join(', ') || 'none'})`,
    );
  }
  return metadata;
}

/**
 * Reads a corpus file one document at a time, never holding more than a JSON line (or a Parquet
 * row group's column) in memory.
 *
 * @param input - a resolved corpus file ({@link resolveCorpusInputs}).
 * @param options - field (`content`), startRow (0), verify (true).
 * @returns the documents from `startRow` on, in file order.
 * @throws Error naming the file and the row (JSON lines: the 1-based line) for invalid JSON, a row
 *   without a string field (`shard.jsonl.gz:17: no string "content" field (keys: text, path)`),
 *   invalid UTF-8, and, when verifying, a truncated or corrupt file.
 */
export async function* readCorpusDocuments(
  input: ResolvedCorpusInput,
  options: ReadCorpusDocumentsOptions = {},
): AsyncGenerator<CorpusRow> {
  const field = options.field ?? 'content';
  const startRow = checkInteger(`${input.path}: startRow`, options.startRow ?? 0, { min: 0 });
  if (options.verify ?? true) await checkCorpusFile(input, { field });
  if (input.format === 'parquet') yield* readParquetRows(input, field, startRow);
  else yield* readJsonLineRows(input, field, startRow);
}

async function* readJsonLineRows(
  input: ResolvedCorpusInput,
  field: string,
  startRow: number,
): AsyncGenerator<CorpusRow> {
  const raw = createReadStream(input.path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  const gunzip = input.format === 'jsonl.gz' ? createGunzip() : undefined;
  if (gunzip !== undefined) {
    // Compressed bytes are counted as they reach zlib (a second 'data' listener beside pipe's).
    raw.on('data', (chunk) => {
      bytesRead += chunk.length;
    });
    // pipe() does not forward errors: a read error must end the iteration below.
    raw.on('error', (error) => gunzip.destroy(error));
  }
  const plain = gunzip === undefined ? raw : raw.pipe(gunzip);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Buffer[] = [];
  let lineNumber = 0;
  let row = 0;

  // One line (without its '\n') → a document, or nothing for a blank line or a skipped row.
  const parseLine = (bytes: Buffer): CorpusRow | undefined => {
    lineNumber += 1;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end -= 1;
    let blank = true;
    for (let i = 0; i < end; i++) {
      const byte = bytes[i]!;
      if (byte !== 0x20 && byte !== 0x09) {
        blank = false;
        break;
      }
    }
    if (blank) return undefined;
    const index = row++;
    if (index < startRow) return undefined; // a resumed prepare: already used, not parsed again
    const location = `${input.path}:${lineNumber}`;
    let text: string;
    try {
      text = decoder.decode(bytes.subarray(0, end));
    } catch {
      throw new Error(`${location}: not valid UTF-8 text`);
    }
    const { content } = parseCorpusLine(text, location, field);
    return { row: index, content, location, bytesRead };
  };

  try {
    for await (const chunk of plain as AsyncIterable<Buffer>) {
      if (gunzip === undefined) bytesRead += chunk.length;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(0x0a, start);
        if (newline < 0) break;
        const piece = chunk.subarray(start, newline);
        const line = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
        pending = [];
        const document = parseLine(line);
        if (document !== undefined) yield document;
        start = newline + 1;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    if (pending.length > 0) {
      const document = parseLine(Buffer.concat(pending));
      if (document !== undefined) yield document;
    }
  } catch (error) {
    const message = (error as Error).message;
    // zlib's and fs's errors do not name the file; ours already do.
    throw message.startsWith(input.path) ? error : new Error(`${input.path}: cannot read (${message})`);
  } finally {
    raw.destroy();
    gunzip?.destroy();
  }
}

async function* readParquetRows(
  input: ResolvedCorpusInput,
  field: string,
  startRow: number,
): AsyncGenerator<CorpusRow> {
  const file = await asyncBufferFromFile(input.path);
  const metadata = await parquetFileMetadata(input, field);
  const totalRows = Number(metadata.num_rows);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows);
    const rowStart = Math.max(groupStart, startRow);
    if (rowStart < groupEnd) {
      // One row group at a time, one column only: a CodeParrot shard's other columns are never read.
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({ file, metadata, columns: [field], rowStart, rowEnd: groupEnd, compressors });
      } catch (error) {
        throw new Error(
          `${input.path}: rows ${rowStart}-${groupEnd - 1}: cannot read column ${JSON.stringify(field)} (${(error as Error).message})`,
        );
      }
      for (let i = 0; i < rows.length; i++) {
        const row = rowStart + i;
        const location = `${input.path}: row ${row}`;
        let content = rows[i]![field];
        if (content instanceof Uint8Array) {
          // A BYTE_ARRAY column without a UTF8 annotation comes back as bytes.
          try {
            content = decoder.decode(content);
          } catch {
            throw new Error(`${location}: ${JSON.stringify(field)} is not valid UTF-8 text`);
          }
        }
        if (typeof content !== 'string') {
          throw new Error(
            `${location}: no string ${JSON.stringify(field)} field (got ${content === null ? 'null' : typeof content})`,
          );
        }
        yield { row, content, location, bytesRead: Math.round((input.bytes * (row + 1)) / Math.max(1, totalRows)) };
      }
    }
    groupStart = groupEnd;
  }
}
