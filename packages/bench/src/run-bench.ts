/**
 * The benchmark runner (`normfree bench`): spawn one worker process per (backend configuration, job),
 * collect their JSON.
 * Jobs run one after another (never two backends at once: they would share the 2 cores and distort
 * each other), except `processes > 1`, which deliberately runs identical training processes side by side.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getExperimentConfiguration, definedFields } from '@normfree/core';
import {
  defaultBenchConfiguration,
  type BenchBackend,
  type BenchOptions,
  type BenchPreset,
  type BenchResult,
  type BenchRun,
  type BenchTask,
  type TorchBaselineRun,
} from './api.js';
import { resultMarker } from './bench-worker.js';
import { defaultTorchScript, runTorchBaseline, type TorchBaselineOptions } from './torch-baseline.js';

export const defaultBenchOptions = {
  presets: ['bench', 'laptop'] as readonly BenchPreset[],
  configurations: [defaultBenchConfiguration] as readonly string[],
  backends: ['wasm', 'wasm+native', 'cpu'] as readonly BenchBackend[],
  steps: 10,
  warmupSteps: 2,
  matmulSizes: [512, 1024] as readonly number[],
  cpuTraining: false,
  processes: 1,
  timeoutMs: 20 * 60_000,
};

/**
 * The compiled worker script, located from a module URL (default: this module's own).
 *
 * @param moduleUrl - the runner's `import.meta.url`. Built, the worker is the `bench-worker.js` next
 *   to it (`dist/`); run from the TypeScript sources (vitest, tsx), it is the build output
 *   `dist/bench-worker.js` of this package, which must have been built (`tsc -b`).
 */
export function workerScriptPath(moduleUrl: string = import.meta.url): string {
  if (fileURLToPath(moduleUrl).endsWith('.js')) return fileURLToPath(new URL('./bench-worker.js', moduleUrl));
  return fileURLToPath(new URL('../dist/bench-worker.js', moduleUrl)); // from src/
}

/**
 * Run one task in a fresh `node` process; resolves to its BenchRun (a failed run on any error).
 *
 * @param script - the compiled worker (default {@link workerScriptPath}).
 */
export function runTaskInProcess(
  task: BenchTask,
  timeoutMs: number,
  script: string = workerScriptPath(),
): Promise<BenchRun> {
  const failed = (reason: string): BenchRun => ({
    backend: task.backend,
    job: task.job,
    ...definedFields({ configuration: task.configuration }),
    status: 'failed',
    reason,
  });
  if (!existsSync(script))
    return Promise.resolve(
      failed(`bench worker ${script} is missing: build @normfree/bench first (npx tsc -b in packages/bench)`),
    );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(resultMarker));
      if (line !== undefined) {
        resolve(JSON.parse(line.slice(resultMarker.length)) as BenchRun);
        return;
      }
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
      resolve(failed(`${why}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

function machine(): BenchResult['machine'] {
  let simdFlags: string[] = [];
  try {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
    simdFlags = flags
      .trim()
      .split(/\s+/)
      .filter((flag) => /^(avx|fma|sse4)/.test(flag) && !/avx512_?(vp2|bitalg|vpopcnt|ifma|vbmi)/.test(flag));
  } catch {
    // not Linux
  }
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    simdFlags,
  };
}

/** Combine N side-by-side runs of one task: summed throughput, per-process numbers kept. */
function combine(runs: readonly BenchRun[]): BenchRun {
  const first = runs[0];
  if (first === undefined) throw new Error('no runs to combine');
  if (runs.length === 1 || runs.some((run) => run.status !== 'ok'))
    return runs.find((run) => run.status !== 'ok') ?? first;
  const perProcess = runs.map((run) => run.tokensPerSecond ?? 0);
  const total = perProcess.reduce((sum, value) => sum + value, 0);
  const slowest = runs.reduce(
    (worst, run) => ((run.msPerStep?.median ?? 0) > (worst.msPerStep?.median ?? 0) ? run : worst),
    first,
  );
  return {
    ...slowest,
    processes: runs.length,
    perProcessTokensPerSecond: perProcess,
    tokensPerSecond: total,
    achievedGflops: runs.reduce((sum, run) => sum + (run.achievedGflops ?? 0), 0),
    peakRssMiB: Math.max(...runs.map((run) => run.peakRssMiB ?? 0)),
  };
}

/**
 * Benchmark every requested backend configuration: the matmul ceiling and the training step of each
 * (preset, experiment configuration), one process per measurement. Unavailable backend
 * configurations come back as `skipped` with a reason.
 *
 * @param options - what to measure; see {@link BenchOptions} for the defaults.
 * @param runTask - runs one task (default: in a fresh `node` process, {@link runTaskInProcess}); tests
 *   pass a fake.
 * @param runTorch - runs the PyTorch baseline of one preset when `options.torchPython` is set (default
 *   {@link runTorchBaseline}); tests pass a fake.
 * @returns the result; never rejects for a backend that fails (its runs say `failed`). Throws a
 *   RangeError naming the known ids for an unknown experiment configuration, before measuring anything.
 */
export async function runBench(
  options: BenchOptions = {},
  runTask: (task: BenchTask, timeoutMs: number) => Promise<BenchRun> = (task, timeoutMs) =>
    runTaskInProcess(task, timeoutMs, options.workerScript ?? workerScriptPath()),
  runTorch: (options: TorchBaselineOptions) => Promise<TorchBaselineRun> = runTorchBaseline,
): Promise<BenchResult> {
  const settings = { ...defaultBenchOptions, ...options };
  for (const configuration of settings.configurations) getExperimentConfiguration(configuration);
  const steps = Math.max(1, Math.floor(settings.steps));
  const warmupSteps = Math.max(0, Math.floor(settings.warmupSteps));
  const processes = Math.max(1, Math.floor(settings.processes));
  const threadCounts = (
    typeof options.threads === 'number' ? [options.threads] : (options.threads ?? [availableParallelism() / processes])
  ).map((count) => Math.max(1, Math.floor(count)));
  if (threadCounts.length === 0) throw new RangeError('threads: give at least one thread count');
  const log = options.log ?? (() => undefined);
  const runs: BenchRun[] = [];
  // wasm+native once per thread count; the other backends have no threads to vary.
  const passes = settings.backends.flatMap((backend) =>
    (backend === 'wasm+native' ? threadCounts : [threadCounts[0]!]).map((threads) => ({ backend, threads })),
  );
  for (const { backend, threads } of passes) {
    const task = (job: BenchTask['job'], overrides: Partial<BenchTask> = {}): BenchTask => ({
      backend,
      job,
      steps,
      warmupSteps,
      matmulSizes: settings.matmulSizes,
      ...definedFields({ batchSize: options.batchSize, gradientAccumulation: options.gradientAccumulation }),
      ...(backend === 'wasm+native' ? { threads } : {}),
      ...overrides,
    });
    const label = backend === 'wasm+native' ? `${backend} (${threads} thread${threads === 1 ? '' : 's'})` : backend;
    log(`${label}: matmul ${settings.matmulSizes.join(', ')}`);
    const matmul = await runTask(task('matmul'), settings.timeoutMs);
    runs.push(matmul);
    if (matmul.status !== 'ok') {
      log(`${label}: ${matmul.status}: ${matmul.reason ?? ''}`);
      continue; // the backend cannot run: do not try to train on it
    }
    for (const preset of settings.presets) {
      for (const configuration of settings.configurations) {
        if (backend === 'cpu' && !settings.cpuTraining) {
          runs.push({
            backend,
            job: preset,
            configuration,
            status: 'skipped',
            reason:
              'cpu training is ≈300 s per step (toolchain.md §11.1); pass cpuTraining: true (`normfree bench --cpu-training`) to time it',
          });
          continue;
        }
        log(
          `${label}: ${preset} ${configuration}, ${warmupSteps} warm-up + ${steps} timed steps${processes > 1 ? ` in ${processes} processes side by side` : ''}`,
        );
        const measured = await Promise.all(
          Array.from({ length: processes }, () => runTask(task(preset, { configuration }), settings.timeoutMs)),
        );
        runs.push(combine(measured));
      }
    }
  }
  const torch: TorchBaselineRun[] = [];
  if (options.torchPython !== undefined) {
    const script = options.torchScript ?? defaultTorchScript;
    for (const threads of threadCounts) {
      for (const preset of settings.presets) {
        log(
          `PyTorch: ${preset}, ${threads} thread${threads === 1 ? '' : 's'}, ${warmupSteps} warm-up + ${steps} timed steps (${options.torchPython})`,
        );
        torch.push(
          await runTorch({
            python: options.torchPython,
            script,
            preset,
            threads,
            steps,
            warmupSteps,
            timeoutMs: settings.timeoutMs,
            ...definedFields({ batchSize: options.batchSize }),
          }),
        );
      }
    }
  }
  return {
    version: 1,
    date: new Date().toISOString(),
    machine: machine(),
    runs,
    ...(torch.length > 0 ? { torch } : {}),
  };
}
