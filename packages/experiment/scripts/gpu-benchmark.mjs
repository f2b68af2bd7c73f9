#!/usr/bin/env node
// The GPU benchmark: what a person with a GPU runs once to learn what normfree does on it. From the
// repository root, on a fresh clone (it installs and builds first):
//
//   npm run gpu-benchmark                                   # Dawn's default (high-performance) adapter
//   npm run gpu-benchmark -- --gpu-adapter 1 --json gpu.json
//   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
//     npm run gpu-benchmark -- --allow-software-adapter --quick   # no GPU: SwiftShader, tiny sizes
//
// It prints, for the machine it runs on:
//   1. the adapters Dawn (the `webgpu` package) sees, and the one used;
//   2. golden-fixture parity on that adapter: the authors' PyTorch outputs (logits, loss, attention,
//      every gradient) against ours, within the tolerance the cpu/wasm tests use;
//   3. square matmul TFLOP/s on webgpu;
//   4. training tokens/s of the `laptop` and `paper-gpt2` presets (micro-batch 8) on webgpu, and on
//      `tensorflow` when @tensorflow/tfjs-node-gpu is installed and finds CUDA;
//   5. GPU memory where the API reports it: WebGPU has no memory query, so this is what TF.js has
//      allocated in GPU buffers (`tf.memory()`), sampled after every step; tfjs-node reports none.
// Each backend runs in a child process of its own (one TF.js backend per process). `--quick` uses
// the `smoke` preset and small matmuls, to check the script itself on a software adapter.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const flag = (name) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
};
const has = (name) => args.includes(`--${name}`);
const quick = has('quick');
const gpuAdapter = flag('gpu-adapter');
const allowSoftwareAdapter = has('allow-software-adapter');
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 === 1 ? sorted[sorted.length >> 1] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

// ---- child: one backend, matmuls and training, one JSON line on stdout --------------------------
if (flag('child') !== undefined) {
  const backend = flag('child');
  const tf = await import('@tensorflow/tfjs-core');
  const { selectBackend, releaseBackend } = await import('@normfree/backend');
  const { createRunJob } = await import('../dist/index.js');
  const { createInProcessExecutor, loadTokenizerVocabSize } = await import('../dist/node/index.js');
  const { getPreset } = await import('@normfree/core');
  const selected = await selectBackend({ prefer: backend, strict: true, quiet: true, ...(gpuAdapter === undefined ? {} : { gpuAdapter }), allowSoftwareAdapter });
  const gpuBytes = () => {
    const memory = tf.memory();
    return memory.numBytesInGPUAllocated ?? memory.numBytesInGPU;
  };
  let peakGpuBytes = gpuBytes();
  const sample = () => {
    const bytes = gpuBytes();
    if (bytes !== undefined) peakGpuBytes = Math.max(peakGpuBytes ?? 0, bytes);
  };

  // Square matmuls: warm-up, then `repeats` products read back once (the read waits for the GPU).
  const matmul = [];
  for (const n of quick ? [256, 512] : [1024, 2048, 4096]) {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    for (let i = 0; i < 2; i++) {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    }
    const repeats = quick ? 3 : 10;
    const started = performance.now();
    const products = [];
    for (let i = 0; i < repeats; i++) products.push(tf.matMul(a, b));
    await products.at(-1).data();
    const seconds = (performance.now() - started) / 1000;
    sample();
    tf.dispose([a, b, ...products]);
    matmul.push({ n, tflops: (2 * n ** 3 * repeats) / seconds / 1e12 });
  }

  // Training steps through the same runner `normfree train` uses.
  const executor = createInProcessExecutor();
  const training = [];
  const scratch = mkdtempSync(join(tmpdir(), 'normfree-gpu-benchmark-'));
  try {
    for (const [preset, steps, batchSize] of quick ? [['smoke', 6, 4]] : [['laptop', 20, 32], ['paper-gpt2', 4, 8]]) {
      const job = createRunJob({
        preset,
        configuration: 'sm-ln-g',
        seed: 1337,
        vocabSize: await loadTokenizerVocabSize(getPreset(preset).tokenizer),
        target: { backend, gpuAdapter, allowSoftwareAdapter },
        overrides: { steps, batchSize, gradientAccumulation: 1, evalEvery: 1_000_000, entropyEvery: 1_000_000, evalWindows: batchSize, checkpointEvery: 0 },
        runDir: join(scratch, preset),
      });
      const started = performance.now();
      const summary = await executor(job, { resume: false, onProgress: sample });
      const logs = readFileSync(join(job.runDir, 'logs.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      const speeds = logs.filter((record) => record.type === 'step').slice(1).map((record) => record.tokensPerSecond); // step 1 compiles shaders
      training.push({ preset, batch: `${batchSize} × ${job.model.blockSize}`, steps, status: summary.status, tokensPerSecond: median(speeds), seconds: (performance.now() - started) / 1000 });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify({ backend: selected.name, info: selected.info, matmul, training, peakGpuBytes: peakGpuBytes ?? null })}\n`);
  releaseBackend();
  process.exit(0);
}

// ---- parent --------------------------------------------------------------------------------------
const run = promisify(execFile);
const { listGpuAdapters, gpuAdapterLine, checkBackend } = await import('@normfree/backend');
const report = { date: new Date().toISOString(), cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`, node: process.version, quick };

console.log(`normfree GPU benchmark${quick ? ' (--quick: smoke sizes)' : ''}; ${report.cpu}, Node ${report.node}`);
try {
  report.adapters = await listGpuAdapters();
  console.log('\nAdapters Dawn sees:');
  for (const adapter of report.adapters) console.log(`  ${gpuAdapterLine(adapter)}`);
} catch (error) {
  console.log(`\nAdapters: none listed (${error.message})`);
  report.adapters = [];
}

const childEnv = { ...process.env, ...(gpuAdapter === undefined ? {} : { NORMFREE_GPU_ADAPTER: gpuAdapter }) };
async function child(backend) {
  const childArgs = [self, '--child', backend, ...(quick ? ['--quick'] : []), ...(gpuAdapter === undefined ? [] : ['--gpu-adapter', gpuAdapter]), ...(allowSoftwareAdapter ? ['--allow-software-adapter'] : [])];
  const { stdout } = await run(process.execPath, childArgs, { env: childEnv, maxBuffer: 16 * 1024 * 1024, timeout: 3 * 60 * 60 * 1000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

// Parity: the transformer's webgpu parity child on this adapter, judged with the tests' tolerance.
const parityChild = fileURLToPath(new URL('../../transformer/src/__fixtures__/webgpu-parity-child.mjs', import.meta.url));
try {
  const { referenceTolerance } = await import('@normfree/transformer/testing');
  const { stdout } = await run(process.execPath, [parityChild], { env: childEnv, maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60 * 1000 });
  const records = stdout.trim().split('\n').map((line) => JSON.parse(line));
  const fixtures = records.filter((record) => 'comparisons' in record);
  const failures = [];
  for (const fixture of fixtures) {
    const { fixture: expected, model } = fixture.gradientNames;
    const missing = expected.filter((parameter) => !model.includes(parameter));
    if (missing.length > 0 || expected.length !== model.length) failures.push(`${fixture.name} ${fixture.stage}: gradients of the fixture (${expected.length}) and the model (${model.length}) differ${missing.length > 0 ? `; none for ${missing.join(', ')}` : ''}`);
    for (const { what, error, allowed } of fixture.comparisons) {
      if (error === 'Infinity' || error > allowed) failures.push(`${fixture.name} ${fixture.stage} ${what}: |Δ| ${error} > ${allowed.toExponential(2)}`);
    }
  }
  report.parity = { adapter: records[0]?.info, fixtures: fixtures.length, passed: failures.length === 0, failures };
  console.log(`\nFixture parity on ${records[0]?.info}: ${failures.length === 0 ? `PASSED (${fixtures.length} fixtures, relative ${referenceTolerance.relative})` : `FAILED:\n  ${failures.join('\n  ')}`}`);
} catch (error) {
  report.parity = { passed: false, error: error.message.split('\n')[0] };
  console.log(`\nFixture parity: could not run (${report.parity.error})`);
}

report.backends = [];
for (const backend of ['webgpu', 'tensorflow']) {
  if (backend === 'tensorflow') {
    const problem = await checkBackend('tensorflow', {}).then(() => undefined, (error) => error.message);
    if (problem !== undefined) {
      console.log(`\ntensorflow: not measured (${problem.split('\n')[0]})`);
      continue;
    }
  }
  try {
    const result = await child(backend);
    report.backends.push(result);
    console.log(`\n${backend}: ${result.info}`);
    for (const { n, tflops } of result.matmul) console.log(`  matmul ${n}³: ${tflops >= 0.1 ? `${tflops.toFixed(2)} TFLOP/s` : `${(tflops * 1000).toFixed(2)} GFLOP/s`}`);
    for (const row of result.training) console.log(`  train ${row.preset} (batch ${row.batch}, ${row.steps} steps, ${row.status}): ${Math.round(row.tokensPerSecond)} tokens/s (median after the first step), ${row.seconds.toFixed(1)} s`);
    console.log(`  GPU memory allocated by TF.js, peak sampled: ${result.peakGpuBytes === null ? 'not reported by this backend' : `${(result.peakGpuBytes / 2 ** 20).toFixed(0)} MiB`}`);
  } catch (error) {
    report.backends.push({ backend, error: error.message.split('\n')[0] });
    console.log(`\n${backend}: failed (${error.message.split('\n').slice(0, 3).join(' ')})`);
  }
}

const jsonPath = flag('json');
if (jsonPath !== undefined) {
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults: ${jsonPath}`);
}
process.exit(report.parity?.passed === true && report.backends.some((entry) => entry.error === undefined) ? 0 : 1);
