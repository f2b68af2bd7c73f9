/**
 * CodeParrot Parquet files (how Hugging Face stores dataset shards), through hyparquet with every
 * common codec (snappy, gzip, zstd, brotli, lz4, lz4_raw) from hyparquet-compressors.
 *
 * References:
 * 1. docs/toolchain.md §9: hyparquet alone reads only snappy and uncompressed pages.
 */
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { codeParrotFields, type CorpusDocument, type ReadCorpusOptions } from './corpus-document.js';

const OPTIONAL_COLUMNS = ['path', 'repo_name', 'license'] as const;

/**
 * Whether bytes start with the Parquet magic `PAR1`.
 *
 * @param bytes - the start of a file.
 */
export function isParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

/**
 * Reads the `content` column (and `path`, `repo_name`, `license` when present) of a Parquet file.
 *
 * @param bytes - the whole file.
 * @param options.source - file name for error messages.
 * @returns one document per row, in file order.
 * @throws Error naming `source` if the file cannot be parsed, has no `content` column (listing the
 *   columns it has), or a row's `content` is null.
 */
export async function readParquet(bytes: Uint8Array, options: ReadCorpusOptions): Promise<CorpusDocument[]> {
  const { source } = options;
  // hyparquet wants an ArrayBuffer: copy exactly this view's bytes (a Node Buffer's .slice() would
  // not copy, and its .buffer is the shared pool).
  const file = new Uint8Array(bytes).buffer;
  let metadata;
  try {
    metadata = parquetMetadata(file);
  } catch (error) {
    throw new Error(`${source}: not a readable Parquet file (${(error as Error).message})`);
  }
  const columnNames = parquetSchema(metadata).children.map((child) => child.element.name);
  if (!columnNames.includes('content')) {
    throw new Error(`${source}: Parquet file has no "content" column (columns: ${columnNames.join(', ') || 'none'})`);
  }
  const columns = ['content', ...OPTIONAL_COLUMNS.filter((name) => columnNames.includes(name))];
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file, metadata, columns, compressors });
  } catch (error) {
    throw new Error(`${source}: cannot read Parquet columns ${columns.join(', ')} (${(error as Error).message})`);
  }
  const decoder = new TextDecoder();
  return rows.map((row, index) => {
    let content = row['content'];
    // Byte arrays without a UTF8 annotation come back as bytes.
    if (content instanceof Uint8Array) content = decoder.decode(content);
    if (typeof content !== 'string') {
      throw new Error(
        `${source}: row ${index} has ${content === null ? 'null' : typeof content} "content", expected a string`,
      );
    }
    return { content, ...codeParrotFields(row) };
  });
}
