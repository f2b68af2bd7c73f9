#!/usr/bin/env node
// BPE training time on the embedded default corpus (not a test). Run from packages/data after
// building:
//
//   npx tsc -b && node scripts/bench-train-bpe.mjs [--vocab 4096,16384,50000] [--dist DIR]
//
// --dist times the trainBpe of another build of this package (e.g. a copy of dist/ made before a
// change; the corpus is always loaded through ../dist/node).
//
// Trains trainBpe on every file of the default corpus (whole documents, `<|endoftext|>` as the one
// special token) once per vocabulary size, single thread. Prints wall seconds and CPU seconds of this
// process (user + system; on a shared machine the CPU time says what the code can do), the peak RSS
// so far, and a SHA-256 of the merges so runs of two implementations can be compared for equality.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadDefaultCorpus } from '../dist/node/index.js';

const vocabFlag = process.argv.indexOf('--vocab');
const vocabSizes = (vocabFlag >= 0 ? process.argv[vocabFlag + 1] : '4096,16384,50000').split(',').map(Number);
const distFlag = process.argv.indexOf('--dist');
const distUrl =
  distFlag >= 0 ? pathToFileURL(resolve(process.argv[distFlag + 1], 'index.js')).href : '../dist/index.js';
const { trainBpe } = await import(distUrl);

/** CPU model as /proc/cpuinfo names it (os.cpus() as a fallback off Linux). */
function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((text) => text.startsWith('model name'));
    if (line !== undefined) return line.split(':')[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

const documents = (await loadDefaultCorpus()).map((document) => document.content);
const encoder = new TextEncoder();
const bytes = documents.reduce((sum, document) => sum + encoder.encode(document).length, 0);
console.log(
  `machine: ${cpuModel()}, ${cpus().length} cores; node ${process.version}\n` +
    `default corpus: ${documents.length} files, ${(bytes / 1e6).toFixed(2)} MB; trainBpe from ${distUrl}`,
);

for (const vocabSize of vocabSizes) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const tokenizer = trainBpe({ documents, vocabSize, specialTokens: ['<|endoftext|>'] });
  const cpu = process.cpuUsage(cpuStarted);
  const wall = (performance.now() - started) / 1000;
  const digest = createHash('sha256').update(JSON.stringify(tokenizer.merges)).digest('hex').slice(0, 16);
  console.log(
    `vocab ${String(vocabSize).padStart(5)}: ${wall.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; ` +
      `${tokenizer.merges.length} merges (sha256 ${digest}), vocabSize ${tokenizer.vocabSize}; ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}
