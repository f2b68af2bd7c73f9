/**
 * Small corpora for the prepare tests, written into a temporary folder: gzip JSON lines, Parquet
 * with several row groups, plain JSON lines; plus what the store must hold, computed the slow
 * and obvious way (createTokenWindows over each split's documents).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Tokenizer } from '@normfree/core';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { createTinyTokenizer, tinyPythonDocuments } from '../../../testing/index.js';
import { createTokenWindows } from '../../../token-windows.js';
import { isValidationDocument } from '../split-hash.js';
import type { TokenizerSpec } from '../tokenizer-spec.js';

const created: string[] = [];

/** A fresh temporary folder, removed by {@link removeTemporaryFolders}. */
export async function temporaryFolder(prefix = 'normfree-prepare-'): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  created.push(folder);
  return folder;
}

/** Removes every folder {@link temporaryFolder} made (call in `afterAll`). */
export async function removeTemporaryFolders(): Promise<void> {
  await Promise.all(created.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
}

/** Document `index` of file `file`: tiny Python of varied length (some shorter than a window). */
export function makeDocument(file: number, index: number): string {
  const base = tinyPythonDocuments[(file * 3 + index) % tinyPythonDocuments.length]!;
  const length = 20 + ((file * 131 + index * 97) % 600);
  return `# file ${file} row ${index}\n${base.repeat(2)}`.slice(0, length);
}

export function documentsOf(file: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => makeDocument(file, index));
}

/** Gzip JSON lines with `content` and `path` (a blank line in the middle, as real files may have). */
export function jsonLines(documents: readonly string[]): string {
  const lines = documents.map((content, index) => JSON.stringify({ path: `f${index}.py`, content }));
  lines.splice(Math.min(3, lines.length), 0, '');
  return `${lines.join('\n')}\n`;
}

export async function writeJsonLinesGz(path: string, documents: readonly string[]): Promise<string> {
  await writeFile(path, gzipSync(jsonLines(documents)));
  return path;
}

export async function writeJsonLines(path: string, documents: readonly string[]): Promise<string> {
  await writeFile(path, jsonLines(documents));
  return path;
}

export async function writeParquet(path: string, documents: readonly string[], rowGroupSize = 7): Promise<string> {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'repo_name', data: documents.map(() => 'r/x'), type: 'STRING' },
      { name: 'content', data: [...documents], type: 'STRING' },
    ],
    rowGroupSize,
  });
  await writeFile(path, new Uint8Array(buffer));
  return path;
}

/** The tiny tokenizer (vocab 300) as a spec, and the tokenizer itself. */
export function tinyTokenizerSpec(): { spec: TokenizerSpec; tokenizer: Tokenizer; text: string } {
  const tokenizer = createTinyTokenizer();
  const text = JSON.stringify(tokenizer.toTokenizerJson());
  return { spec: { kind: 'json', name: 'tiny', text }, tokenizer, text };
}

/** The windows a store must hold, per split, for documents per source (undefined: a skipped source). */
export function expectedWindows(options: {
  tokenizer: Tokenizer;
  sources: readonly (readonly string[] | undefined)[];
  seqLen: number;
  validationFraction: number;
  seed: number;
  /** Sources whose documents all go to validation (separate validation inputs). */
  validationSources?: readonly number[];
}): { train: Uint8Array; validation: Uint8Array; trainDocuments: number; validationDocuments: number } {
  const train: number[][] = [];
  const validation: number[][] = [];
  options.sources.forEach((documents, source) => {
    documents?.forEach((content, row) => {
      const ids = options.tokenizer.encode(content);
      const toValidation =
        options.validationSources !== undefined
          ? options.validationSources.includes(source)
          : isValidationDocument(options.seed, source, row, options.validationFraction);
      (toValidation ? validation : train).push(ids);
    });
  });
  const bytes = (files: number[][]): Uint8Array => {
    const windows = createTokenWindows({ files, seqLen: options.seqLen, vocabSize: options.tokenizer.vocabSize });
    return new Uint8Array(windows.tokens.buffer, windows.tokens.byteOffset, windows.tokens.byteLength);
  };
  return { train: bytes(train), validation: bytes(validation), trainDocuments: train.length, validationDocuments: validation.length };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
