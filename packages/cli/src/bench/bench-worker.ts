/**
 * One benchmark process: `node bench-worker.js '<task JSON>'`. Initialises one backend configuration,
 * runs one job (the matmul microbenchmark or a preset's training steps) and prints one line
 * `NORMFREE_BENCH_RESULT <BenchRun JSON>` on stdout. One process per configuration because TF.js
 * backends and kernel overrides cannot be unregistered cleanly, and because peak RSS is per process.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { getPreset, resolveModelConfig, type ModelConfig } from '@normfree/core';
import { selectBackend } from '@normfree/backend';
import type { BenchBackend, BenchPreset, BenchRun, MatmulResult, NativeStatusSummary } from './api.js';
import { createReferenceGpt } from './reference-gpt.js';
import { trainingFlopsPerStep } from './flops.js';
import { profileKernelCpu } from './profile-step.js';
import { enableNativeKernels } from '../native-kernels.js';

export const resultMarker = 'NORMFREE_BENCH_RESULT ';

export interface BenchTask {
  readonly backend: BenchBackend;
  readonly job: 'matmul' | BenchPreset;
  readonly steps: number;
  readonly warmupSteps: number;
  readonly matmulSizes: readonly number[];
  /** Force the reference step even when @normfree/transformer is available. */
  readonly referenceModel?: boolean;
  /** With `wasm+native`: register only these native kernels (default: all), e.g. to measure them one group at a time. */
  readonly nativeKernels?: readonly string[];
  /** Also profile this many extra steps by kernel (CPU time per kernel) and report the breakdown. */
  readonly profileSteps?: number;
}

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
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/** Import a workspace package that may be absent (not a declared dependency, or not built). */
async function optionalImport(specifiers: readonly string[]): Promise<Record<string, unknown> | null> {
  for (const specifier of specifiers) {
    try {
      return (await import(specifier)) as Record<string, unknown>;
    } catch {
      // try the next one
    }
  }
  return null;
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

interface TrainableModel {
  readonly name: string;
  readonly variables: tf.Variable[];
  loss(ids: tf.Tensor2D): tf.Scalar;
  dispose(): void;
  /** The `@normfree/transformer` model itself, for the trainer's step (absent for the reference step). */
  readonly languageModel?: unknown;
}

/** The parts of `@normfree/trainer` one training step needs (loaded dynamically: it may be absent). */
interface TrainerModule {
  computeGradients(model: unknown, batches: readonly { inputIds: Int32Array; batchSize: number; seqLen: number }[],
    options: { training: boolean; dropoutSeeds?: readonly number[] }): { loss: tf.Scalar; gradients: Map<string, tf.Tensor> };
  clipGradientsByGlobalNorm(gradients: ReadonlyMap<string, tf.Tensor>, maxNorm: number): { gradients: Map<string, tf.Tensor>; norm: tf.Scalar };
  createAdamW(parameters: unknown, options: unknown): { applyGradients(gradients: ReadonlyMap<string, tf.Tensor>, learningRate: number): void; dispose(): void };
  adamWOptionsFrom(options: unknown): unknown;
}

function isTrainerModule(module: Record<string, unknown> | null): module is Record<string, unknown> & TrainerModule {
  return module !== null && ['computeGradients', 'clipGradientsByGlobalNorm', 'createAdamW', 'adamWOptionsFrom'].every((name) => typeof module[name] === 'function');
}

async function createTrainable(config: ModelConfig, reference: boolean): Promise<TrainableModel> {
  const transformer = reference ? null : await optionalImport(['@normfree/transformer']);
  const createModel = transformer?.['createModel'];
  if (typeof createModel === 'function') {
    const model = (createModel as (config: ModelConfig, options: { seed: number }) => {
      parameters: readonly { variable: tf.Variable }[];
      loss(ids: tf.Tensor2D, options: { training: boolean; dropoutSeed?: number }): tf.Scalar;
      dispose(): void;
    })(config, { seed: 1337 });
    let step = 0;
    return {
      name: '@normfree/transformer',
      variables: model.parameters.map((parameter) => parameter.variable),
      loss: (ids) => model.loss(ids, { training: true, dropoutSeed: 1337 + step++ }),
      dispose: () => model.dispose(),
      languageModel: model,
    };
  }
  const gpt = createReferenceGpt(config, 1337);
  return { name: 'reference step (toolchain.md §11 b; @normfree/transformer not available)', variables: gpt.variables, loss: (ids) => gpt.loss(ids), dispose: () => gpt.dispose() };
}

async function timeTraining(task: BenchTask, preset: BenchPreset): Promise<Partial<BenchRun>> {
  const { model: dimensions, training } = getPreset(preset);
  const config = resolveModelConfig({ ...dimensions, vocabSize: 4096 });
  const batchSize = training.microBatchSize;
  const model = await createTrainable(config, task.referenceModel === true);
  const ids = tf.randomUniform([batchSize, config.blockSize], 0, config.vocabSize, 'int32', 7) as tf.Tensor2D;
  const trainer = model.languageModel === undefined ? null : await optionalImport(['@normfree/trainer']);
  let step: () => Promise<number>;
  let optimizerName: string;
  let disposeOptimizer: () => void;
  if (isTrainerModule(trainer)) {
    // The trainer's own step: forward/backward (computeGradients), global-norm clipping, its AdamW.
    const adamW = trainer.createAdamW((model.languageModel as { parameters: unknown }).parameters, trainer.adamWOptionsFrom(training));
    const batch = { inputIds: new Int32Array(await ids.data()), batchSize, seqLen: config.blockSize };
    let seed = 1337;
    step = async () => {
      const { loss, gradients } = trainer.computeGradients(model.languageModel, [batch], { training: true, dropoutSeeds: [seed++] });
      const clipped = trainer.clipGradientsByGlobalNorm(gradients, training.maxGradNorm);
      adamW.applyGradients(clipped.gradients, training.learningRate);
      tf.dispose([...gradients.values(), ...clipped.gradients.values(), clipped.norm]);
      const value = (await loss.data())[0] ?? NaN; // read back every step, as the trainer logs it
      loss.dispose();
      return value;
    };
    optimizerName = '@normfree/trainer: computeGradients, global-norm clipping, AdamW';
    disposeOptimizer = () => adamW.dispose();
  } else {
    // Adam as in the toolchain benchmark when the trainer is absent.
    const adam = tf.train.adam(1e-3);
    step = async () => {
      const loss = adam.minimize(() => model.loss(ids), true, model.variables);
      if (loss === null) throw new Error('optimizer.minimize returned no loss');
      const value = (await loss.data())[0] ?? NaN;
      loss.dispose();
      return value;
    };
    optimizerName = 'tf.train.adam';
    disposeOptimizer = () => adam.dispose();
  }
  const times: number[] = [];
  const cpuTimes: number[] = [];
  const losses: number[] = [];
  for (let index = 0; index < task.warmupSteps + task.steps; index++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const value = await step();
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    if (index >= task.warmupSteps) {
      times.push(elapsed);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      losses.push(value);
    }
  }
  const profile = task.profileSteps !== undefined && task.profileSteps > 0
    ? await profileKernelCpu(tf.getBackend(), async () => { await step(); }, task.profileSteps)
    : undefined;
  const parameters = model.variables.reduce((total, variable) => total + variable.size, 0);
  disposeOptimizer();
  model.dispose();
  ids.dispose();
  const tokensPerStep = batchSize * config.blockSize;
  const flopsPerStep = trainingFlopsPerStep(config, batchSize);
  const msMedian = median(times);
  return {
    model: model.name,
    optimizer: optimizerName,
    parameters,
    batchSize,
    tokensPerStep,
    flopsPerStep,
    msPerStep: { median: msMedian, min: Math.min(...times), max: Math.max(...times) },
    tokensPerSecond: tokensPerStep / (msMedian / 1000),
    achievedGflops: flopsPerStep / (msMedian * 1e6),
    cpuMsPerStep: median(cpuTimes),
    loss: { first: losses[0] ?? NaN, last: losses.at(-1) ?? NaN },
    ...(profile !== undefined ? { profile } : {}),
    steps: task.steps,
    warmupSteps: task.warmupSteps,
  };
}

/** Run one task in this process. Never throws: failures come back as `status: 'failed'`. */
export async function runBenchTask(task: BenchTask): Promise<BenchRun> {
  const base = { backend: task.backend, job: task.job };
  try {
    const selected = await selectBackend({ prefer: task.backend === 'cpu' ? 'cpu' : 'wasm', strict: true, quiet: true });
    let native: NativeStatusSummary | undefined;
    if (task.backend === 'wasm+native') {
      native = await enableNativeKernels(task.nativeKernels === undefined ? {} : { kernels: task.nativeKernels });
      if (!native.enabled) return { ...base, status: 'skipped', reason: native.reason, backendInfo: selected.info, native };
    }
    let measured: Partial<BenchRun>;
    if (task.job === 'matmul') {
      const matmul: MatmulResult[] = [];
      for (const size of task.matmulSizes) matmul.push(await timeMatmul(size));
      measured = { matmul };
    } else {
      measured = await timeTraining(task, task.job);
    }
    return { ...base, status: 'ok', backendInfo: selected.info, ...(native !== undefined ? { native } : {}), ...measured, peakRssMiB: peakRssMiB() };
  } catch (error) {
    return { ...base, status: 'failed', reason: error instanceof Error ? error.message : String(error), peakRssMiB: peakRssMiB() };
  }
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as BenchTask;
  const result = await runBenchTask(task);
  process.stdout.write(`${resultMarker}${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(() => process.exit(0), (error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
