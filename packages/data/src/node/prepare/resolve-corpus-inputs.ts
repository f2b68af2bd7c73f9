/**
 * Turns what a user types after `normfree prepare` (files, folders, globs) into the list of corpus
 * files to read, in a fixed order, each with its size and its format (Node only).
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { detectCorpusFormat, type CorpusFormat } from '../../read-corpus.js';

/** One corpus file found by {@link resolveCorpusInputs}. */
export interface ResolvedCorpusInput {
  /** Absolute path. */
  readonly path: string;
  /** Size on disk. */
  readonly bytes: number;
  /** Detected from the first bytes (gzip magic → `jsonl.gz`, `PAR1` → `parquet`, else `jsonl`), not the name. */
  readonly format: CorpusFormat;
}

/** Names a folder or a glob picks up; an explicitly named file is read whatever its name. */
const corpusFileSuffixes = ['.jsonl', '.jsonl.gz', '.json', '.json.gz', '.parquet'] as const;

function isCorpusFileName(name: string): boolean {
  return corpusFileSuffixes.some((suffix) => name.endsWith(suffix));
}

/**
 * Compares paths in natural order: digit runs by value, everything else by UTF-16 code unit (no
 * locale), so `file-2` sorts before `file-10` on every machine.
 */
export function naturalCompare(left: string, right: string): number {
  const chunk = /(\d+)|(\D+)/g;
  const leftParts = left.match(chunk) ?? [];
  const rightParts = right.match(chunk) ?? [];
  for (let i = 0; i < Math.min(leftParts.length, rightParts.length); i++) {
    const a = leftParts[i]!;
    const b = rightParts[i]!;
    if (a === b) continue;
    const aIsNumber = a.charCodeAt(0) >= 48 && a.charCodeAt(0) <= 57;
    const bIsNumber = b.charCodeAt(0) >= 48 && b.charCodeAt(0) <= 57;
    if (aIsNumber && bIsNumber) {
      const difference = Number(a) - Number(b);
      if (difference !== 0) return difference;
      // Same value, different zero padding: the shorter spelling first.
      if (a.length !== b.length) return a.length - b.length;
    }
    return a < b ? -1 : 1;
  }
  return leftParts.length - rightParts.length;
}

async function listCorpusFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      // Hidden entries are tool state (.git, Hugging Face's .cache), never corpus shards.
      if (entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && isCorpusFileName(entry.name)) found.push(path);
    }
  };
  await walk(folder);
  return found;
}

/**
 * The Hugging Face dataset layout (`<folder>/data/train-00000-of-00042.parquet`, beside
 * `data/validation-*` or `data/valid-*`): a folder holding such `train-*` files stands for its
 * training split only.
 */
function huggingFaceTrainFiles(folder: string, files: readonly string[]): string[] | undefined {
  const train = files.filter((path) => {
    const parts = relative(folder, path).split(sep);
    const name = parts[parts.length - 1]!;
    return parts.length === 2 && parts[0] === 'data' && (name.startsWith('train-') || name.startsWith('train.'));
  });
  return train.length > 0 ? train : undefined;
}

async function detectFormat(path: string): Promise<CorpusFormat> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return detectCorpusFormat(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

async function filesOfPattern(pattern: string): Promise<string[]> {
  const info = await stat(pattern).catch(() => undefined);
  if (info?.isFile()) return [resolve(pattern)];
  if (info?.isDirectory()) {
    const folder = resolve(pattern);
    const files = (await listCorpusFiles(folder)).sort(naturalCompare);
    const matched = huggingFaceTrainFiles(folder, files) ?? files;
    if (matched.length === 0) {
      throw new Error(`${pattern}: folder holds no corpus files (${corpusFileSuffixes.join(', ')})`);
    }
    return matched;
  }
  if (!isDynamicPattern(pattern)) throw new Error(`${pattern}: no such file or folder`);
  const matches = (await glob(pattern, { absolute: true, onlyFiles: true })).sort(naturalCompare);
  const files = matches.filter((path) => isCorpusFileName(path));
  if (files.length === 0) {
    throw new Error(
      matches.length === 0
        ? `${pattern}: the pattern matches nothing`
        : `${pattern}: the pattern matches ${matches.length} files, none of them ${corpusFileSuffixes.join(', ')}`,
    );
  }
  return files;
}

/**
 * Resolves corpus inputs: each pattern is a file (read whatever its name), a folder (every
 * `.jsonl`, `.jsonl.gz`, `.json`, `.json.gz` and `.parquet` below it, hidden entries skipped; for a
 * Hugging Face dataset folder with `data/train-*` files, only those), or a glob (tinyglobby syntax,
 * corpus file names only). Files keep the order of the patterns, and within a folder or glob,
 * natural path order (`-2` before `-10`).
 *
 * @param patterns - files, folders or globs, relative to the working directory or absolute.
 * @returns one entry per file, with its absolute path, size and detected format.
 * @throws Error naming the pattern when it matches nothing, or the file when two patterns give it.
 */
export async function resolveCorpusInputs(patterns: readonly string[]): Promise<ResolvedCorpusInput[]> {
  const inputs: ResolvedCorpusInput[] = [];
  const patternOf = new Map<string, string>();
  for (const pattern of patterns) {
    for (const path of await filesOfPattern(pattern)) {
      const earlier = patternOf.get(path);
      if (earlier !== undefined) {
        throw new Error(
          `${path}: the same corpus file is given twice (by ${JSON.stringify(earlier)}` +
            `${earlier === pattern ? '' : ` and ${JSON.stringify(pattern)}`}); its documents would be counted twice`,
        );
      }
      patternOf.set(path, pattern);
      const { size } = await stat(path);
      inputs.push({ path, bytes: size, format: await detectFormat(path) });
    }
  }
  return inputs;
}
