/**
 * One benchmark process: `node bench-worker.js '<task JSON>'`. Initialises one backend configuration,
 * runs one job (the matmul microbenchmark or a preset's training steps) and prints one line
 * `NORMFREE_BENCH_RESULT <BenchRun JSON>` on stdout. One process per configuration because TF.js
 * backends and kernel overrides cannot be unregistered cleanly, and because peak RSS is per process.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import type { PresetName } from '@normfree/core';
import { selectBackend } from '@normfree/backend';
import { enableNativeKernels } from '@normfree/experiment/node';
import { countModelParameters } from '@normfree/transformer';
import {
  defaultBenchConfiguration,
  type BenchPreset,
  type BenchRun,
  type BenchTask,
  type MatmulResult,
  type NativeKernelsSummary,
} from './api.js';
import { createBenchTraining } from './bench-training.js';
import { trainingFlopsPerStep } from './flops.js';
import { profileKernelCpu } from './profile-step.js';
import { definedFields } from '@normfree/core';

export const resultMarker = 'NORMFREE_BENCH_RESULT ';

/** Peak resident set size of this process in MiB (Linux VmHWM, else resourceUsage().maxRSS). */
export function peakRssMiB(): number {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

async function timeMatmul(size: number): Promise<MatmulResult> {
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  const once = async (): Promise<number> => {
    const start = performance.now();
    const sum = tf.tidy(() => tf.sum(tf.matMul(a, b)));
    await sum.data(); // forces completion
    sum.dispose();
    return performance.now() - start;
  };
  for (let index = 0; index < 3; index++) await once();
  const times: number[] = [];
  for (let index = 0; index < 7; index++) times.push(await once());
  tf.dispose([a, b]);
  const msMedian = median(times);
  return { size, msMedian, gflops: (2 * size ** 3) / (msMedian * 1e6) };
}

/**
 * Time `warmupSteps + steps` optimizer steps of the preset's model (the trainer's step, see
 * bench-training.ts) and report the timed ones. The preset type is wider than {@link BenchPreset}
 * so that tests can time the `smoke` model.
 */
export async function timeTraining(task: BenchTask, preset: BenchPreset | PresetName): Promise<Partial<BenchRun>> {
  const configuration = task.configuration ?? defaultBenchConfiguration;
  const training = await createBenchTraining({
    preset,
    configuration,
    ...definedFields({ batchSize: task.batchSize, gradientAccumulation: task.gradientAccumulation }),
  });
  try {
    const times: number[] = [];
    const forwardBackwardTimes: number[] = [];
    const cpuTimes: number[] = [];
    const losses: number[] = [];
    for (let index = 0; index < task.warmupSteps + task.steps; index++) {
      const cpuStart = process.cpuUsage();
      const result = await training.step();
      const cpu = process.cpuUsage(cpuStart);
      if (index >= task.warmupSteps) {
        times.push(result.ms);
        forwardBackwardTimes.push(result.forwardBackwardMs);
        cpuTimes.push((cpu.user + cpu.system) / 1000);
        losses.push(result.loss);
      }
    }
    const profile =
      task.profileSteps !== undefined && task.profileSteps > 0
        ? await profileKernelCpu(
            tf.getBackend(),
            async () => {
              await training.step();
            },
            task.profileSteps,
          )
        : undefined;
    const { config, tokensPerStep } = training;
    const counts = countModelParameters(training.model);
    const flopsPerStep = trainingFlopsPerStep(
      config,
      training.options.microBatchSize * training.options.gradientAccumulation,
    );
    const msMedian = median(times);
    return {
      model: '@normfree/transformer',
      configuration,
      optimizer: '@normfree/trainer: computeGradients, global-norm clipping, AdamW at the scheduled rate',
      parameters: counts.trainable,
      stateDictValues: counts.stateDictValues,
      batchSize: training.options.microBatchSize,
      gradientAccumulation: training.options.gradientAccumulation,
      tokensPerStep,
      flopsPerStep,
      msPerStep: { median: msMedian, min: Math.min(...times), max: Math.max(...times) },
      forwardBackwardMsPerStep: median(forwardBackwardTimes),
      tokensPerSecond: tokensPerStep / (msMedian / 1000),
      achievedGflops: flopsPerStep / (msMedian * 1e6),
      cpuMsPerStep: median(cpuTimes),
      loss: { first: losses[0] ?? NaN, last: losses.at(-1) ?? NaN },
      ...(profile !== undefined ? { profile } : {}),
      steps: task.steps,
      warmupSteps: task.warmupSteps,
    };
  } finally {
    training.dispose();
  }
}

/** Run one task in this process. Never throws: failures come back as `status: 'failed'`. */
export async function runBenchTask(task: BenchTask): Promise<BenchRun> {
  const base = {
    backend: task.backend,
    job: task.job,
    ...(task.job === 'matmul' ? {} : { configuration: task.configuration ?? defaultBenchConfiguration }),
  };
  try {
    const selected = await selectBackend({
      prefer: task.backend === 'cpu' ? 'cpu' : 'wasm',
      strict: true,
      quiet: true,
    });
    let native: NativeKernelsSummary | undefined;
    if (task.backend === 'wasm+native') {
      native = await enableNativeKernels({
        ...definedFields({ kernels: task.nativeKernels, threads: task.threads }),
      });
      if (!native.enabled)
        return { ...base, status: 'skipped', reason: native.reason, backendInfo: selected.info, native };
    }
    let measured: Partial<BenchRun>;
    if (task.job === 'matmul') {
      const matmul: MatmulResult[] = [];
      for (const size of task.matmulSizes) matmul.push(await timeMatmul(size));
      measured = { matmul };
    } else {
      measured = await timeTraining(task, task.job);
    }
    return {
      ...base,
      status: 'ok',
      backendInfo: selected.info,
      ...(native !== undefined ? { native } : {}),
      ...measured,
      peakRssMiB: peakRssMiB(),
    };
  } catch (error) {
    return {
      ...base,
      status: 'failed',
      reason: error instanceof Error ? error.message : String(error),
      peakRssMiB: peakRssMiB(),
    };
  }
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as BenchTask;
  const result = await runBenchTask(task);
  process.stdout.write(`${resultMarker}${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
