// Time the addon's kernels with 1 and N threads on one buffer (no TF.js), to find the sizes from
// which a second thread pays (the thresholds in gemm.cc and kernels.cc) and the speed-up above them.
//   node scripts/bench-threads.mjs [threads=2]
// Prints, per kernel and size, the median µs per call with 1 and N threads and their ratio.
import { createRequire } from 'node:module';

const addon = createRequire(import.meta.url)('../build/Release/normfree_native.node');
const threads = Number(process.argv[2] ?? 2);
const heap = new ArrayBuffer(256 * 1024 * 1024);
const floats = new Float32Array(heap);
for (let index = 0; index < floats.length; index += 7) floats[index] = Math.sin(index);
const mb = 1024 * 1024;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(run) {
  const perCall = [];
  let total = 0;
  for (let round = 0; round < 60 && (round < 7 || total < 300); round++) {
    const start = performance.now();
    run();
    const ms = performance.now() - start;
    total += ms;
    perCall.push(ms * 1000);
  }
  return median(perCall);
}

const cases = [];
for (const [M, N, K] of [
  [64, 64, 64],
  [96, 128, 128],
  [128, 128, 128],
  [256, 128, 128],
  [512, 128, 128],
  [4096, 384, 128],
  [128, 128, 4096],
  [4096, 4096, 128],
]) {
  cases.push([`matmul ${M}×${N}×${K}`, () => addon.matmul(heap, 1, M, N, K, 0, 0, 64 * mb, 0, 128 * mb, false, false)]);
}
cases.push([
  'matmul batch 128 × 128×128×32',
  () => addon.matmul(heap, 128, 128, 128, 32, 0, 128 * 32, 64 * mb, 32 * 128, 128 * mb, false, false),
]);
for (const count of [8192, 16384, 32768, 65536, 262144, 4096 * 4096]) {
  cases.push([`exp ${count}`, () => addon.unary(heap, 0, count, 0, 128 * mb)]);
}
for (const count of [16384, 32768, 65536, 131072, 1048576]) {
  const dims = new Int32Array([2, count / 128, 128, 128, 1, 0, 1]);
  cases.push([`add (rows, 128) + (128) ${count}`, () => addon.binary(heap, 0, dims, 0, 64 * mb, 128 * mb)]);
  const copy = new Int32Array([2, 128, count / 128, 1, 128]);
  cases.push([`transpose copy ${count}`, () => addon.stridedCopy(heap, copy, 0, 128 * mb, 4)]);
  cases.push([`sum over rows ${count}`, () => addon.reduceSum(heap, 1, count / 128, 128, 0, 128 * mb)]);
}
for (const rows of [4, 8, 16, 64, 4096])
  cases.push([`softmax ${rows}×4096`, () => addon.softmaxRows(heap, rows, 4096, 0, 128 * mb)]);

console.log(`kernel  µs/call 1 thread  µs/call ${threads} threads  speed-up`);
for (const [name, run] of cases) {
  addon.setThreads(1);
  const one = time(run);
  addon.setThreads(threads);
  const many = time(run);
  console.log(
    `${name.padEnd(34)} ${one.toFixed(1).padStart(10)} ${many.toFixed(1).padStart(10)} ${(one / many).toFixed(2).padStart(7)}×`,
  );
}
