#!/usr/bin/env node
// Rebuilds @normfree/data's embedded default corpus and retrains its default tokenizer.
//
//   pnpm --filter @normfree/data exec tsc -b      # the script imports packages/data/dist
//   node tools/make-default-corpus.mjs [--stdlib /usr/lib/python3.11]
//
// Writes (all under packages/data/assets/):
//   python-stdlib.jsonl.gz  one CodeParrot row per file ({repo_name, path, copies, size, content, license}),
//                           sorted by path; Debian's CPython 3.11 standard library without tests
//                           (test/, tests/, idle_test/ directories and test_*.py files), without
//                           site-packages/dist-packages (third-party code), UTF-8 files only.
//   LICENSE-PSF.txt         the PSF licence shipped with that Python (LICENSE.txt of the stdlib).
//   tokenizer.json          byte-level BPE, 4096 tokens including <|endoftext|>, trained on the
//                           TRAINING files of the default split (validationFraction 0.05, seed 0),
//                           so validation files stay held out.
// No Python needed; the output is deterministic for a given stdlib (gzip level 9, mtime 0).
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const assets = join(root, 'packages/data/assets');
const stdlibFlag = process.argv.indexOf('--stdlib');
const stdlib = stdlibFlag >= 0 ? process.argv[stdlibFlag + 1] : '/usr/lib/python3.11';
if (!stdlib) throw new Error('--stdlib needs a directory');

const { trainBpe, splitByFile } = await import(join(root, 'packages/data/dist/index.js'));
// The embedded store's split (validation fraction and seed): the tokenizer trains on its training files.
const { defaultStoreOptions } = await import(join(root, 'packages/data/dist/node/index.js'));

const DEFAULT_VALIDATION_FRACTION = defaultStoreOptions.validationFraction;
const DEFAULT_SEED = defaultStoreOptions.seed;
const VOCAB_SIZE = 4096;
const EXCLUDED_DIRECTORIES = new Set(['test', 'tests', 'idle_test', 'site-packages', 'dist-packages', '__pycache__']);

function listPythonFiles(directory) {
  const files = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    const stats = statSync(path);
    if (stats.isDirectory()) {
      if (!EXCLUDED_DIRECTORIES.has(entry)) files.push(...listPythonFiles(path));
    } else if (entry.endsWith('.py') && !entry.startsWith('test_')) {
      files.push(path);
    }
  }
  return files;
}

const started = performance.now();
const decoder = new TextDecoder('utf-8', { fatal: true });
const rows = [];
const skipped = [];
for (const file of listPythonFiles(stdlib)) {
  const bytes = readFileSync(file);
  let content;
  try {
    content = decoder.decode(bytes);
  } catch {
    skipped.push(file);
    continue;
  }
  rows.push({
    repo_name: 'python/cpython',
    path: `Lib/${relative(stdlib, file).split(sep).join('/')}`,
    copies: '1',
    size: String(bytes.length),
    content,
    license: 'psf-2.0',
  });
}
rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
if (rows.length === 0) throw new Error(`${stdlib}: no Python files found`);

mkdirSync(assets, { recursive: true });
const jsonl = rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
const gzipped = gzipSync(Buffer.from(jsonl, 'utf8'), { level: 9 });
writeFileSync(join(assets, 'python-stdlib.jsonl.gz'), gzipped);
writeFileSync(join(assets, 'LICENSE-PSF.txt'), readFileSync(join(stdlib, 'LICENSE.txt')));
const bytes = rows.reduce((sum, row) => sum + Number(row.size), 0);
console.log(
  `corpus: ${rows.length} files, ${bytes} bytes of Python, ${gzipped.length} bytes gzipped` +
    (skipped.length > 0 ? `; skipped ${skipped.length} non-UTF-8 files: ${skipped.join(', ')}` : ''),
);

const split = splitByFile({
  fileCount: rows.length,
  validationFraction: DEFAULT_VALIDATION_FRACTION,
  seed: DEFAULT_SEED,
});
const trainStarted = performance.now();
const tokenizer = trainBpe({
  documents: split.train.map((index) => rows[index].content),
  vocabSize: VOCAB_SIZE,
  specialTokens: ['<|endoftext|>'],
});
writeFileSync(join(assets, 'tokenizer.json'), JSON.stringify(tokenizer.toTokenizerJson()) + '\n');
console.log(
  `tokenizer: vocabSize ${tokenizer.vocabSize}, ${tokenizer.merges.length} merges, trained on ${split.train.length} ` +
    `files in ${((performance.now() - trainStarted) / 1000).toFixed(1)} s; held out ${split.validation.length} files`,
);
console.log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
