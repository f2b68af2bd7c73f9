#!/usr/bin/env node
// A large CodeParrot-style corpus for the token-store benchmark (not a test; never committed).
// Run from packages/data after building:
//
//   pnpm exec tsc -b && node scripts/make-bench-corpus.mjs --out /tmp/bench-corpus --mb 1024
//
// It repeats the embedded CPython corpus with varied content, so the tokenizer's word cache does not
// make later copies free: in copy k ≥ 1, about a third of the identifiers of 4+ characters (Python
// keywords excepted) get a suffix chosen by a hash of (identifier, k), e.g. `lookup` → `lookup_q3`.
// Output: shards of about 64 MB of text, alternating `train-NNNNN.jsonl.gz` (gzip level 6) and
// `train-NNNNN.parquet` (snappy), rows { content, path, repo_name, license } as in codeparrot-clean.
// MB = 10^6 bytes of UTF-8 `content`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { loadDefaultCorpus } from '../dist/node/index.js';

function flag(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}
const outDir = flag('out');
const targetBytes = Number(flag('mb', '1024')) * 1e6;
const shardBytes = Number(flag('shard-mb', '64')) * 1e6;
if (outDir === undefined || !(targetBytes > 0) || !(shardBytes > 0)) {
  console.error('usage: node scripts/make-bench-corpus.mjs --out <dir> [--mb 1024] [--shard-mb 64]');
  process.exit(2);
}

const keywords = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return self try while with yield print'.split(
    ' ',
  ),
);

/** FNV-1a of a string and a number: a cheap, stable hash. */
function hash(text, salt) {
  let value = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return value;
}

function vary(content, copy) {
  if (copy === 0) return content;
  return content.replace(/\b[A-Za-z_][A-Za-z0-9_]{3,}\b/g, (word) => {
    if (keywords.has(word)) return word;
    const h = hash(word, copy);
    return h % 3 === 0 ? `${word}_${((h >>> 2) % 1296).toString(36)}` : word;
  });
}

const documents = await loadDefaultCorpus();
const encoder = new TextEncoder();
mkdirSync(outDir, { recursive: true });
let written = 0;
let shard = 0;
let rows = [];
let rowBytes = 0;
const started = performance.now();

function flush() {
  if (rows.length === 0) return;
  const name = `train-${String(shard).padStart(5, '0')}`;
  if (shard % 2 === 0) {
    const text = rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
    writeFileSync(join(outDir, `${name}.jsonl.gz`), gzipSync(text, { level: 6 }));
  } else {
    const column = (key) => ({ name: key, data: rows.map((row) => row[key]), type: 'STRING' });
    const buffer = parquetWriteBuffer({
      columnData: ['content', 'path', 'repo_name', 'license'].map(column),
      rowGroupSize: 2000,
    });
    writeFileSync(join(outDir, `${name}.parquet`), new Uint8Array(buffer));
  }
  console.log(`${name}: ${rows.length} files, ${(rowBytes / 1e6).toFixed(1)} MB of text`);
  shard++;
  rows = [];
  rowBytes = 0;
}

outer: for (let copy = 0; ; copy++) {
  for (const document of documents) {
    const content = vary(document.content, copy);
    const bytes = encoder.encode(content).length;
    rows.push({
      content,
      path: `copy${copy}/${document.path ?? 'file.py'}`,
      repo_name: 'cpython/cpython',
      license: 'psf-2.0',
    });
    rowBytes += bytes;
    written += bytes;
    if (rowBytes >= shardBytes) flush();
    if (written >= targetBytes) break outer;
  }
}
flush();
// Beside the shards, what they hold (a .txt, so that a folder input of prepare does not read it).
writeFileSync(join(outDir, 'corpus-info.txt'), `${JSON.stringify({ textBytes: written, shards: shard })}\n`);
console.log(
  `${(written / 1e6).toFixed(0)} MB of text in ${shard} shards in ${outDir} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
