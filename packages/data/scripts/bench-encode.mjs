#!/usr/bin/env node
// Encoding throughput on the default corpus (not a test). Run from packages/data after building:
//
//   pnpm exec tsc -b && node scripts/bench-encode.mjs [--passes 3]
//
// Each file is encoded whole, one at a time, single thread; MB = 10^6 UTF-8 bytes. Pass 1 starts
// with a cold word cache (a fresh tokenizer); later passes reuse the cache; "warm" is the median of
// passes ≥ 2. Rates are given per wall-clock second and per CPU second of this process (user +
// system): on a shared machine the CPU-time rate is the one that says what the code can do.
import { createGpt2Tokenizer } from '../dist/index.js';
import { loadDefaultCorpus, loadDefaultTokenizer } from '../dist/node/index.js';

const passesFlag = process.argv.indexOf('--passes');
const passes = passesFlag >= 0 ? Number(process.argv[passesFlag + 1]) : 3;

const documents = await loadDefaultCorpus();
const encoder = new TextEncoder();
const bytes = documents.reduce((sum, document) => sum + encoder.encode(document.content).length, 0);
console.log(`default corpus: ${documents.length} files, ${(bytes / 1e6).toFixed(2)} MB; node ${process.version}`);

function bench(name, tokenizer) {
  const wallRates = [];
  const cpuRates = [];
  let tokens = 0;
  for (let pass = 0; pass < passes; pass++) {
    tokens = 0;
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const document of documents) tokens += tokenizer.encode(document.content).length;
    const cpu = process.cpuUsage(cpuStarted);
    wallRates.push(bytes / 1e6 / ((performance.now() - started) / 1000));
    cpuRates.push(bytes / 1e6 / ((cpu.user + cpu.system) / 1e6));
  }
  const warm = (rates) => {
    const later = rates.slice(1).sort((a, b) => a - b);
    return (later.length > 0 ? later[Math.floor(later.length / 2)] : rates[0]).toFixed(1);
  };
  console.log(
    `${name.padEnd(16)} vocab ${String(tokenizer.vocabSize).padStart(5)}  ${tokens} tokens  ` +
      `${(bytes / tokens).toFixed(2)} bytes/token\n` +
      `${''.padEnd(16)} wall: cold ${wallRates[0].toFixed(1)} MB/s, warm ${warm(wallRates)} MB/s; ` +
      `CPU time: cold ${cpuRates[0].toFixed(1)} MB/s, warm ${warm(cpuRates)} MB/s`,
  );
}

bench('BPE-4096 (ours)', await loadDefaultTokenizer());
bench('GPT-2 r50k', createGpt2Tokenizer());
