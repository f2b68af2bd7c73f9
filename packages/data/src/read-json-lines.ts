/**
 * CodeParrot JSON lines: one JSON object per line with a `content` field (the codeparrot-clean and
 * codeparrot-ds row format, paper-reference §5.1), plain or gzipped.
 */
import { codeParrotFields, type CorpusDocument, type ReadCorpusOptions } from './corpus-document.js';
import { gunzip, isGzip } from './gunzip.js';

/**
 * One JSON-lines row: a JSON object whose `field` is a string. Shared by the in-memory reader below
 * and the streaming one of `prepareTokenStore`, so both name a bad row alike.
 *
 * @param line - the row's text, without its line end.
 * @param where - `file:line`, named in every error.
 * @param field - the text field (default `content`).
 * @returns the parsed row and its text.
 * @throws Error naming `where`: invalid JSON, not an object, or no string `field` (with what it
 *   holds instead and the keys the row has).
 */
export function parseCorpusLine(
  line: string,
  where: string,
  field = 'content',
): { record: Record<string, unknown>; content: string } {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch (error) {
    throw new Error(`${where}: invalid JSON (${(error as Error).message}): ${line.slice(0, 60)}`);
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new Error(`${where}: expected a JSON object with a ${JSON.stringify(field)} field, got ${line.slice(0, 60)}`);
  }
  const record = row as Record<string, unknown>;
  const content = record[field];
  if (typeof content !== 'string') {
    const got = content === undefined ? 'no such field' : content === null ? 'null' : typeof content;
    throw new Error(
      `${where}: no string ${JSON.stringify(field)} field (got ${got}; keys: ${Object.keys(record).join(', ') || 'none'})`,
    );
  }
  return { record, content };
}

/**
 * Parses JSON-lines text into documents. Blank lines are skipped; `\r\n` line ends are accepted.
 *
 * @param text - the file's text.
 * @param options.source - file name for error messages.
 * @returns one document per non-blank line, in file order.
 * @throws Error naming `source`, the 1-based line number and the problem: invalid JSON, or no string
 *   `content` field (with the keys the line has).
 */
export function parseJsonLines(text: string, options: ReadCorpusOptions): CorpusDocument[] {
  const documents: CorpusDocument[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const where = `${options.source}:${index + 1}`;
    const { record, content } = parseCorpusLine(line, where);
    documents.push({ content, ...codeParrotFields(record) });
  });
  return documents;
}

/**
 * Reads a JSON-lines corpus from bytes, gunzipping first when the bytes start with `1f 8b`.
 *
 * @param bytes - the file's bytes (plain UTF-8 or gzip).
 * @param options.source - file name for error messages.
 * @returns the documents, in file order.
 * @throws Error naming `source` for truncated gzip, invalid UTF-8, invalid JSON or a missing
 *   `content` field (with the line number).
 */
export function readJsonLines(bytes: Uint8Array, options: ReadCorpusOptions): CorpusDocument[] {
  const plain = isGzip(bytes) ? gunzip(bytes, options) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(plain);
  } catch {
    throw new Error(`${options.source}: not valid UTF-8 text`);
  }
  return parseJsonLines(text, options);
}
