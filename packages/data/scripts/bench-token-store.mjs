#!/usr/bin/env node
// Token-store benchmark (not a test): prepare throughput with 1 and 2 workers, peak RSS for 100 MB
// and 1 GB of input, random-batch read rate, store size per token. Run from packages/data after
// building, on a quiet machine (nothing else running; numbers are per machine and per day):
//
//   pnpm exec tsc -b && node scripts/bench-token-store.mjs --work /tmp/normfree-bench [--large-mb 1024] [--small-mb 100]
//
// It makes two corpora with make-bench-corpus.mjs (varied copies of the embedded CPython corpus,
// alternating .jsonl.gz and .parquet shards of 64 MB of text; not committed), prepares each in a
// fresh child process with the embedded 4096-token BPE and T = 128 (so the peak RSS is that
// process's alone: `process.resourceUsage().maxRSS`, worker threads included), then reads random
// 32 × 128 batches from the large store with the store sampler (positioned reads). MB = 10^6 bytes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

function flag(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

// --child prepare: one prepare, its figures as a JSON line on stdout.
if (flag('child') === 'prepare') {
  const { prepareTokenStore, tokenizerSpecFromName } = await import('../dist/node/index.js');
  // RSS every 250 ms: the peak says how high, the second half's range says whether it still grows.
  const rssSamples = [];
  const sampler = setInterval(() => rssSamples.push(process.memoryUsage.rss()), 250);
  const started = performance.now();
  const result = await prepareTokenStore({
    inputs: [join(flag('input'), 'train-*')],
    outDir: flag('out'),
    tokenizer: await tokenizerSpecFromName('default-4096'),
    workers: Number(flag('workers')),
    seqLen: 128,
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const half = (part) =>
    part === 0 ? rssSamples.slice(0, rssSamples.length >> 1) : rssSamples.slice(rssSamples.length >> 1);
  const { manifest } = result;
  const shards = [...manifest.splits.train.shards, ...manifest.splits.validation.shards];
  console.log(
    JSON.stringify({
      seconds,
      inputBytes: manifest.sources.reduce((sum, source) => sum + source.bytes, 0),
      tokens: manifest.splits.train.tokens + manifest.splits.validation.tokens,
      windows: manifest.splits.train.windows + manifest.splits.validation.windows,
      storeBytes: shards.reduce((sum, shard) => sum + shard.bytes, 0),
      shards: shards.length,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      firstHalfMaxRssBytes: Math.max(...half(0)),
      secondHalfRssBytes: [Math.min(...half(1)), Math.max(...half(1))],
    }),
  );
  process.exit(0);
}

const work = flag('work');
if (work === undefined) {
  console.error('usage: node scripts/bench-token-store.mjs --work <scratch folder> [--large-mb 1024] [--small-mb 100]');
  process.exit(2);
}
const sizes = { small: Number(flag('small-mb', '100')), large: Number(flag('large-mb', '1024')) };

const cpuInfo = readFileSync('/proc/cpuinfo', 'utf8');
const flags = /^flags\s*:\s*(.*)$/m.exec(cpuInfo)?.[1].split(' ') ?? [];
const simd = ['avx512f', 'avx2', 'fma'].filter((name) => flags.includes(name)).join('+') || 'none of avx2/avx512';
console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${simd}; node ${process.version}`);

function corpus(name, mb) {
  const dir = join(work, `corpus-${mb}mb`);
  if (!existsSync(join(dir, 'corpus-info.txt'))) {
    execFileSync(process.execPath, [join(here, 'make-bench-corpus.mjs'), '--out', dir, '--mb', String(mb)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return { name, dir, textBytes: JSON.parse(readFileSync(join(dir, 'corpus-info.txt'), 'utf8')).textBytes };
}

function prepare(input, workers) {
  const out = join(work, `store-${input.name}-w${workers}`);
  rmSync(out, { recursive: true, force: true });
  const child = spawnSync(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      '--child',
      'prepare',
      '--input',
      input.dir,
      '--out',
      out,
      '--workers',
      String(workers),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (child.status !== 0)
    throw new Error(`prepare of ${input.dir} with ${workers} workers failed (exit ${child.status})`);
  return { out, ...JSON.parse(child.stdout.trim().split('\n').at(-1)) };
}

const small = corpus('small', sizes.small);
const large = corpus('large', sizes.large);
const rows = [];
const runs = [
  { input: small, workers: 1 },
  { input: small, workers: 2 },
  { input: large, workers: 2 },
];
for (const { input, workers } of runs) {
  const figures = prepare(input, workers);
  rows.push({ input, workers, ...figures });
  console.log(
    `prepared ${(input.textBytes / 1e6).toFixed(0)} MB of text with ${workers} worker${workers > 1 ? 's' : ''}: ${figures.seconds.toFixed(1)} s, ` +
      `${(figures.maxRssBytes / 1e6).toFixed(0)} MB peak RSS`,
  );
}

// Random batches from the large store: 32 × 128, positioned reads (the store was just written, so
// its shards are likely in the page cache: a warm-cache figure).
const { openTokenStore } = await import('../dist/node/index.js');
const { createStoreBatchSampler } = await import('../dist/index.js');
const largeStore = rows.at(-1);
const store = await openTokenStore(largeStore.out);
const sampler = createStoreBatchSampler({ windows: store.split('train'), batchSize: 32, seed: 1 });
let batches = 0;
const readStarted = performance.now();
let checksum = 0;
while (performance.now() - readStarted < 3000) {
  // steps spread over many epochs' worth of the order: every batch lands somewhere else in the store
  const step = Math.floor(Math.random() * 1e9);
  checksum += sampler.batchAt(step).inputIds[0];
  batches++;
}
const batchesPerSecond = batches / ((performance.now() - readStarted) / 1000);
store.close();

// The same with the page cache dropped, when this process may (root on Linux): the first 3 s.
let coldBatchesPerSecond;
try {
  execFileSync('sync');
  execFileSync('sh', ['-c', 'echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
  const cold = await openTokenStore(largeStore.out);
  const coldSampler = createStoreBatchSampler({ windows: cold.split('train'), batchSize: 32, seed: 2 });
  let coldBatches = 0;
  const coldStarted = performance.now();
  while (performance.now() - coldStarted < 3000) {
    checksum += coldSampler.batchAt(Math.floor(Math.random() * 1e9)).inputIds[0];
    coldBatches++;
  }
  coldBatchesPerSecond = coldBatches / ((performance.now() - coldStarted) / 1000);
  cold.close();
} catch {
  coldBatchesPerSecond = undefined; // not allowed here: only the warm figure
}

console.log(
  '\n| input (text) | input on disk | workers | seconds | text MB/s | disk MB/s | tokens | peak RSS | RSS, 2nd half of the run |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(
    `| ${(row.input.textBytes / 1e6).toFixed(0)} MB | ${(row.inputBytes / 1e6).toFixed(0)} MB | ${row.workers} | ${row.seconds.toFixed(1)} | ` +
      `${(row.input.textBytes / 1e6 / row.seconds).toFixed(2)} | ${(row.inputBytes / 1e6 / row.seconds).toFixed(2)} | ${row.tokens.toLocaleString('en-US')} | ${(row.maxRssBytes / 1e6).toFixed(0)} MB | ${(row.secondHalfRssBytes[0] / 1e6).toFixed(0)}–${(row.secondHalfRssBytes[1] / 1e6).toFixed(0)} MB (1st half peak ${(row.firstHalfMaxRssBytes / 1e6).toFixed(0)}) |`,
  );
}
const storeRow = rows.at(-1);
console.log(
  `\nstore of the ${(storeRow.input.textBytes / 1e6).toFixed(0)} MB corpus: ${(storeRow.storeBytes / 1e6).toFixed(0)} MB in ${storeRow.shards} shards, ` +
    `${(storeRow.storeBytes / (storeRow.windows * 128)).toFixed(2)} bytes per stored token, ${(storeRow.storeBytes / storeRow.tokens).toFixed(2)} bytes per corpus token (tails dropped), ` +
    `${(storeRow.input.textBytes / storeRow.tokens).toFixed(2)} bytes of text per token`,
);
console.log(
  `random 32 × 128 batches from it: ${batchesPerSecond.toFixed(0)} batches/s (warm page cache; ${batches} batches)` +
    (coldBatchesPerSecond === undefined
      ? '; page cache not droppable here'
      : `, ${coldBatchesPerSecond.toFixed(0)} batches/s in the first 3 s after dropping the page cache`) +
    ` (checksum ${checksum})`,
);
const rss = rows.filter((row) => row.workers === 2);
if (rss.length === 2)
  console.log(
    `peak RSS, 2 workers: ${(rss[0].maxRssBytes / 1e6).toFixed(0)} MB for ${(rss[0].input.textBytes / 1e6).toFixed(0)} MB, ${(rss[1].maxRssBytes / 1e6).toFixed(0)} MB for ${(rss[1].input.textBytes / 1e6).toFixed(0)} MB (ratio ${(rss[1].maxRssBytes / rss[0].maxRssBytes).toFixed(2)})`,
  );
