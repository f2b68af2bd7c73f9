import { definedFields } from '@normfree/core';
/**
 * The command line of the GPU benchmark (`npm run gpu-benchmark -- …`, gpu-benchmark.ts) and of its
 * per-backend child processes (gpu-benchmark-child.ts): parsed into one typed object, and written back
 * as the arguments a child gets, so parent and child agree on every flag.
 */

/** The backends the GPU benchmark measures, each in a child process of its own. */
export type GpuBenchmarkBackend = 'webgpu' | 'tensorflow';

export const gpuBenchmarkBackends: readonly GpuBenchmarkBackend[] = ['webgpu', 'tensorflow'];

export interface GpuBenchmarkFlags {
  /** `--quick`: the `smoke` preset and small matmuls, to check the benchmark itself on a software adapter. */
  readonly quick: boolean;
  /** `--gpu-adapter <index|name>`: which adapter Dawn uses (default: its high-performance choice). */
  readonly gpuAdapter?: string;
  /** `--allow-software-adapter`: let webgpu run on a software adapter (SwiftShader). */
  readonly allowSoftwareAdapter: boolean;
  /** `--json <file>`: also write the report as JSON. */
  readonly json?: string;
}

export const gpuBenchmarkUsage =
  'usage: npm run gpu-benchmark [-- --gpu-adapter <index|name>] [--allow-software-adapter] [--quick] [--json <file>]';

/** A bad command line; the message names the flag and the offending value. */
export class GpuBenchmarkUsageError extends Error {
  override readonly name = 'GpuBenchmarkUsageError';
}

const valueFlags = new Set(['--gpu-adapter', '--json']);
const switchFlags = new Set(['--quick', '--allow-software-adapter']);

/**
 * Read the benchmark's flags.
 *
 * @param args - the arguments after the script (`process.argv.slice(2)`).
 * @throws GpuBenchmarkUsageError for an unknown flag, a flag given twice, or a value flag without its value.
 */
export function parseGpuBenchmarkFlags(args: readonly string[]): GpuBenchmarkFlags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let index = 0; index < args.length; index++) {
    const argument = args[index] ?? '';
    if (switchFlags.has(argument) || valueFlags.has(argument)) {
      if (switches.has(argument) || values.has(argument))
        throw new GpuBenchmarkUsageError(`${argument} is given twice`);
    }
    if (switchFlags.has(argument)) {
      switches.add(argument);
    } else if (valueFlags.has(argument)) {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new GpuBenchmarkUsageError(
          `${argument} needs a value, got ${value === undefined ? 'nothing' : `'${value}'`}`,
        );
      }
      values.set(argument, value);
      index++;
    } else {
      throw new GpuBenchmarkUsageError(`unknown argument '${argument}'; ${gpuBenchmarkUsage}`);
    }
  }
  const gpuAdapter = values.get('--gpu-adapter');
  const json = values.get('--json');
  return {
    quick: switches.has('--quick'),
    allowSoftwareAdapter: switches.has('--allow-software-adapter'),
    ...definedFields({ gpuAdapter, json }),
  };
}

/** The flags a child process needs (all but `--json`, which only the parent writes), as arguments. */
export function childArguments(flags: GpuBenchmarkFlags): string[] {
  return [
    ...(flags.quick ? ['--quick'] : []),
    ...(flags.gpuAdapter === undefined ? [] : ['--gpu-adapter', flags.gpuAdapter]),
    ...(flags.allowSoftwareAdapter ? ['--allow-software-adapter'] : []),
  ];
}

/** Median of a list (NaN when empty): the training speed the benchmark reports. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}
