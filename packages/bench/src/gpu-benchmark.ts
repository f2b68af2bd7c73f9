/**
 * The GPU benchmark: what a person with a GPU runs once to learn what normfree does on it. From the
 * repository root, on a fresh clone (tools/run.sh installs and builds first):
 *
 *   npm run gpu-benchmark                                   # Dawn's default (high-performance) adapter
 *   npm run gpu-benchmark -- --gpu-adapter 1 --json gpu.json
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
 *     npm run gpu-benchmark -- --allow-software-adapter --quick   # no GPU: SwiftShader, tiny sizes
 *
 * (tools/ensure-chromium.sh installs Chromium's SwiftShader when /usr/lib/chromium lacks it.)
 * It prints, for the machine it runs on:
 *   1. the adapters Dawn (the `webgpu` package) sees, and the one used;
 *   2. golden-fixture parity on that adapter: the authors' PyTorch outputs (logits, loss, attention,
 *      every gradient) against ours, within the tolerance the cpu/wasm tests use (gpu-parity.ts);
 *   3. square matmul TFLOP/s on webgpu;
 *   4. training tokens/s of the `laptop` and `paper-gpt2` presets (micro-batch 8) on webgpu, and on
 *      `tensorflow` when @tensorflow/tfjs-node-gpu is installed and finds CUDA;
 *   5. GPU memory where the API reports it: WebGPU has no memory query, so this is what TF.js has
 *      allocated in GPU buffers (`tf.memory()`), sampled after every step; tfjs-node reports none.
 * Each backend runs in a child process of its own (gpu-benchmark-child.ts). `--quick` uses the `smoke`
 * preset and small matmuls, to check the benchmark itself on a software adapter. Exit code 0 when
 * parity passed and a backend was measured, 1 otherwise, 2 for a bad command line.
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { checkBackend, gpuAdapterLine, listGpuAdapters, type GpuAdapterEntry } from '@normfree/backend';
import { writeFileAtomic } from '@normfree/core/node';
import type { GpuBackendResult } from './gpu-benchmark-child.js';
import {
  childArguments,
  gpuBenchmarkBackends,
  GpuBenchmarkUsageError,
  parseGpuBenchmarkFlags,
  type GpuBenchmarkBackend,
  type GpuBenchmarkFlags,
} from './gpu-benchmark-flags.js';
import { formatParity, runParity, type ParityReport } from './gpu-parity.js';
import { definedFields } from '@normfree/core';

/** A backend that could not be measured, and why. */
export interface GpuBackendFailure {
  readonly backend: GpuBenchmarkBackend;
  readonly error: string;
}

/** What `--json` writes. */
export interface GpuBenchmarkReport {
  readonly date: string;
  /** `<model> × <cores>`. */
  readonly cpu: string;
  readonly node: string;
  readonly quick: boolean;
  readonly adapters: readonly GpuAdapterEntry[];
  readonly parity: ParityReport;
  readonly backends: readonly (GpuBackendResult | GpuBackendFailure)[];
}

/** The child script, beside this module (`dist/`; from the sources, its build output in `dist/`). */
export function gpuChildScriptPath(moduleUrl: string = import.meta.url): string {
  if (fileURLToPath(moduleUrl).endsWith('.js')) return fileURLToPath(new URL('./gpu-benchmark-child.js', moduleUrl));
  return fileURLToPath(new URL('../dist/gpu-benchmark-child.js', moduleUrl)); // from src/
}

/** The first `count` lines of an error's message, joined into one. */
const firstLines = (error: unknown, count: number): string =>
  (error instanceof Error ? error.message : String(error)).split('\n').slice(0, count).join(' ');
const firstLine = (error: unknown): string => firstLines(error, 1);

/** The printed lines of one measured backend. */
export function formatBackend(result: GpuBackendResult): string[] {
  const lines = [`${result.backend}: ${result.info}`];
  for (const { n, tflops } of result.matmul) {
    lines.push(
      `  matmul ${n}³: ${tflops >= 0.1 ? `${tflops.toFixed(2)} TFLOP/s` : `${(tflops * 1000).toFixed(2)} GFLOP/s`}`,
    );
  }
  for (const row of result.training) {
    const speed = `${Math.round(row.tokensPerSecond)} tokens/s (median after the first step)`;
    lines.push(
      `  train ${row.preset} (batch ${row.batch}, ${row.steps} steps, ${row.status}): ` +
        `${speed}, ${row.seconds.toFixed(1)} s`,
    );
  }
  const memory =
    result.peakGpuBytes === null ? 'not reported by this backend' : `${(result.peakGpuBytes / 2 ** 20).toFixed(0)} MiB`;
  lines.push(`  GPU memory allocated by TF.js, peak sampled: ${memory}`);
  return lines;
}

/** Run the whole benchmark, printing as it goes; resolves to the exit code. */
export async function runGpuBenchmark(
  flags: GpuBenchmarkFlags,
  print: (line: string) => void = console.log,
): Promise<number> {
  const date = new Date().toISOString();
  const cpu = `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`;
  print(`normfree GPU benchmark${flags.quick ? ' (--quick: smoke sizes)' : ''}; ${cpu}, Node ${process.version}`);
  let adapters: GpuAdapterEntry[] = [];
  try {
    adapters = await listGpuAdapters();
    print('\nAdapters Dawn sees:');
    for (const adapter of adapters) print(`  ${gpuAdapterLine(adapter)}`);
  } catch (error) {
    print(`\nAdapters: none listed (${firstLine(error)})`);
  }

  // The parity child reads the adapter from the environment; the backend children get it as a flag.
  const environment = {
    ...process.env,
    ...definedFields({ NORMFREE_GPU_ADAPTER: flags.gpuAdapter }),
  };
  const parity = await runParity(environment);
  print(`\n${formatParity(parity)}`);

  const backends: (GpuBackendResult | GpuBackendFailure)[] = [];
  for (const backend of gpuBenchmarkBackends) {
    if (backend === 'tensorflow') {
      const problem = await checkBackend('tensorflow', {}).then(
        () => undefined,
        (error: unknown) => firstLine(error),
      );
      if (problem !== undefined) {
        print(`\ntensorflow: not measured (${problem})`);
        continue;
      }
    }
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [gpuChildScriptPath(), backend, ...childArguments(flags)],
        {
          env: environment,
          maxBuffer: 16 * 1024 * 1024,
          timeout: 3 * 60 * 60 * 1000,
        },
      );
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as GpuBackendResult;
      backends.push(result);
      print(`\n${formatBackend(result).join('\n')}`);
    } catch (error) {
      backends.push({ backend, error: firstLine(error) });
      print(`\n${backend}: failed (${firstLines(error, 3)})`);
    }
  }

  if (flags.json !== undefined) {
    const report: GpuBenchmarkReport = {
      date,
      cpu,
      node: process.version,
      quick: flags.quick,
      adapters,
      parity,
      backends,
    };
    const path = resolve(flags.json);
    await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
    print(`\nresults: ${path}`);
  }
  return parity.passed && backends.some((entry) => !('error' in entry)) ? 0 : 1;
}

async function main(): Promise<number> {
  let flags: GpuBenchmarkFlags;
  try {
    flags = parseGpuBenchmarkFlags(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof GpuBenchmarkUsageError)) throw error;
    console.error(`gpu-benchmark: ${error.message}`);
    return 2;
  }
  return runGpuBenchmark(flags);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Exit explicitly, as the .mjs script did: an open GPU device may keep the event loop alive (not verified).
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
