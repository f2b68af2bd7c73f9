/**
 * One backend of the GPU benchmark, in a process of its own (one TF.js backend per process):
 * `node gpu-benchmark-child.js <webgpu|tensorflow> [--quick] [--gpu-adapter <a>] [--allow-software-adapter]`.
 * Times square matmuls, then trains the `laptop` and `paper-gpt2` presets (`--quick`: `smoke`) through
 * the runner `normfree train` uses (experiment's `createRunJob` + in-process executor), sampling the
 * GPU memory TF.js has allocated after every step, and prints one JSON line ({@link GpuBackendResult}).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { definedFields, getPreset, type StepLog } from '@normfree/core';
import { releaseBackend, selectBackend } from '@normfree/backend';
import { createRunJob } from '@normfree/experiment';
import { createInProcessExecutor, loadTokenizerVocabSize } from '@normfree/experiment/node';
import { parseRunLogs, runFileNames } from '@normfree/trainer';
import {
  gpuBenchmarkBackends,
  median,
  parseGpuBenchmarkFlags,
  type GpuBenchmarkBackend,
  type GpuBenchmarkFlags,
} from './gpu-benchmark-flags.js';

/** Throughput of `repeats` square products of size n, after two untimed ones. */
export interface GpuMatmulResult {
  readonly n: number;
  readonly tflops: number;
}

/** One preset trained through the runner. */
export interface GpuTrainingResult {
  readonly preset: string;
  /** Micro-batch × T, e.g. `8 × 128`. */
  readonly batch: string;
  readonly steps: number;
  /** The run's status (`completed`, `diverged`, …). */
  readonly status: string;
  /** Median of the step logs' tokens/s, the first step left out (it compiles the shaders). */
  readonly tokensPerSecond: number;
  /** Wall time of the whole run, model creation and data included. */
  readonly seconds: number;
}

/** What a child prints: one line of JSON. */
export interface GpuBackendResult {
  /** The backend TF.js runs on (`webgpu`, `tensorflow`). */
  readonly backend: string;
  /** The backend's own description (adapter, driver). */
  readonly info: string;
  readonly matmul: readonly GpuMatmulResult[];
  readonly training: readonly GpuTrainingResult[];
  /** Peak bytes TF.js had allocated in GPU buffers, sampled; null where the backend reports none (tfjs-node). */
  readonly peakGpuBytes: number | null;
}

/** The presets a child trains: [preset, steps, micro-batch]. */
function trainingPlan(quick: boolean): readonly (readonly [string, number, number])[] {
  return quick
    ? [['smoke', 6, 4]]
    : [
        ['laptop', 20, 32],
        ['paper-gpt2', 4, 8],
      ];
}

/** Bytes TF.js has in GPU buffers; WebGPU has no memory query, so this is what TF.js allocated. */
function gpuBytes(): number | undefined {
  const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPUAllocated?: number; numBytesInGPU?: number };
  return memory.numBytesInGPUAllocated ?? memory.numBytesInGPU;
}

/** Square matmuls: two warm-ups, then `repeats` products read back once (the read waits for the GPU). */
async function timeMatmuls(quick: boolean, sample: () => void): Promise<GpuMatmulResult[]> {
  const results: GpuMatmulResult[] = [];
  for (const n of quick ? [256, 512] : [1024, 2048, 4096]) {
    const a = tf.randomNormal([n, n]); // (n, n)
    const b = tf.randomNormal([n, n]); // (n, n)
    for (let warmup = 0; warmup < 2; warmup++) {
      const product = tf.matMul(a, b); // (n, n) @ (n, n) -> (n, n)
      await product.data();
      product.dispose();
    }
    const repeats = quick ? 3 : 10;
    const started = performance.now();
    const products: tf.Tensor[] = [];
    for (let index = 0; index < repeats; index++) products.push(tf.matMul(a, b)); // (n, n) each
    await products.at(-1)?.data();
    const seconds = (performance.now() - started) / 1000;
    sample();
    tf.dispose([a, b, ...products]);
    results.push({ n, tflops: (2 * n ** 3 * repeats) / seconds / 1e12 });
  }
  return results;
}

/** The step logs of a finished run folder. */
function stepLogs(runDir: string): StepLog[] {
  const path = join(runDir, runFileNames.logs);
  return parseRunLogs(readFileSync(path, 'utf8'), path).filter((record): record is StepLog => record.type === 'step');
}

/**
 * Measure one backend in this process.
 *
 * @param backend - selected strictly: a backend that cannot start rejects with its reason.
 */
export async function measureGpuBackend(
  backend: GpuBenchmarkBackend,
  flags: GpuBenchmarkFlags,
): Promise<GpuBackendResult> {
  const adapter = definedFields({ gpuAdapter: flags.gpuAdapter });
  const selected = await selectBackend({
    prefer: backend,
    strict: true,
    quiet: true,
    allowSoftwareAdapter: flags.allowSoftwareAdapter,
    ...adapter,
  });
  let peakGpuBytes = gpuBytes();
  const sample = (): void => {
    const bytes = gpuBytes();
    if (bytes !== undefined) peakGpuBytes = Math.max(peakGpuBytes ?? 0, bytes);
  };
  const matmul = await timeMatmuls(flags.quick, sample);

  const executor = createInProcessExecutor();
  const training: GpuTrainingResult[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'normfree-gpu-benchmark-'));
  try {
    for (const [preset, steps, batchSize] of trainingPlan(flags.quick)) {
      const job = createRunJob({
        preset,
        configuration: 'sm-ln-g',
        seed: 1337,
        vocabSize: await loadTokenizerVocabSize(getPreset(preset).tokenizer),
        target: { backend, ...adapter, allowSoftwareAdapter: flags.allowSoftwareAdapter },
        // No evaluation, entropy or checkpoint inside the timed steps.
        overrides: {
          steps,
          batchSize,
          gradientAccumulation: 1,
          evalEvery: 1_000_000,
          entropyEvery: 1_000_000,
          evalWindows: batchSize,
          checkpointEvery: 0,
        },
        runDir: join(scratch, preset),
      });
      const started = performance.now();
      const summary = await executor(job, { resume: false, onProgress: sample });
      const speeds = stepLogs(job.runDir)
        .slice(1)
        .map((record) => record.tokensPerSecond); // step 1 compiles shaders
      training.push({
        preset,
        batch: `${batchSize} × ${job.model.blockSize}`,
        steps,
        status: summary.status,
        tokensPerSecond: median(speeds),
        seconds: (performance.now() - started) / 1000,
      });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { backend: selected.name, info: selected.info, matmul, training, peakGpuBytes: peakGpuBytes ?? null };
}

async function main(): Promise<void> {
  const [backend, ...rest] = process.argv.slice(2);
  if (!(gpuBenchmarkBackends as readonly (string | undefined)[]).includes(backend)) {
    throw new Error(
      `the GPU benchmark's child measures one of ${gpuBenchmarkBackends.join(', ')}, got '${backend ?? ''}'`,
    );
  }
  const result = await measureGpuBackend(backend as GpuBenchmarkBackend, parseGpuBenchmarkFlags(rest));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  releaseBackend();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Exit explicitly, as the .mjs script did: an open GPU device may keep the event loop alive (not verified).
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
