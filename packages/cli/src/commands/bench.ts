/**
 * `normfree bench`: training-step and matmul timings per backend. The benchmark itself is
 * `runBench` of `@normfree/bench`; this file only parses options and prints.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@normfree/core/node';
import type { Command } from 'commander';
import type { CommandContext, CommandDefinition } from '../command-context.js';
import { UsageError, errorMessage, exitCodes } from '../errors.js';
import {
  parseChoiceList,
  parseConfigurationList,
  parsePositiveInteger,
  parsePositiveIntegerList,
  parsePositiveNumber,
} from '../option-parsers.js';
import { definedFields } from '@normfree/core';

const benchPresets = ['bench', 'laptop', 'paper-gpt2', 'paper-pythia-70m'] as const;
/**
 * The project's PyTorch baseline, shipped in @normfree/bench (its `defaultTorchScript`). Located through
 * the package's manifest so that `--help` does not load the benchmark and TF.js.
 */
const benchPackageFolder = dirname(createRequire(import.meta.url).resolve('@normfree/bench/package.json'));
const defaultTorchScript = join(benchPackageFolder, 'python', 'torch_gpt2_step.py');
const benchBackends = ['wasm', 'wasm+native', 'cpu'] as const;

interface BenchFlags {
  presets?: (typeof benchPresets)[number][];
  configs?: string[];
  backends?: (typeof benchBackends)[number][];
  steps?: number;
  warmup?: number;
  matmulSizes?: number[];
  cpuTraining?: boolean;
  batchSize?: number;
  gradAccum?: number;
  processes?: number;
  threads?: number[];
  torchPython?: string;
  torchScript?: string;
  timeout?: number;
  json?: string;
  baseline?: string;
}

/** Add `normfree bench` (options and action) to the program. */
function registerBench(program: Command, context: CommandContext): void {
  const { io, absolute, setExitCode } = context;
  program
    .command('bench')
    .description(
      'time training steps and matmuls per backend (each in its own process); see the README section "bench"',
    )
    .option(
      '--presets <list>',
      `models whose training step is timed: ${benchPresets.join(', ')} (default: bench,laptop)`,
      parseChoiceList(benchPresets, 'preset'),
    )
    .option(
      '--configs <ids>',
      'experiment configurations whose step is timed, e.g. sm-ln-g,sm-g (default: sm-ln-g)',
      parseConfigurationList,
    )
    .option(
      '--backends <list>',
      `backend configurations: ${benchBackends.join(', ')} (default: all; unavailable ones are reported as skipped)`,
      parseChoiceList(benchBackends, 'backend'),
    )
    .option('--steps <n>', 'timed training steps (median reported; default 10)', parsePositiveInteger)
    .option('--warmup <n>', 'untimed warm-up steps (default 2)', parsePositiveInteger)
    .option('--matmul-sizes <list>', 'square matmul sizes for the ceiling (default 512,1024)', parsePositiveIntegerList)
    .option('--cpu-training', 'also time training on the pure-JS cpu backend (very slow)')
    .option(
      '--batch-size <n>',
      "sequences per micro-batch of the timed steps (default: the preset's; paper-gpt2 and paper-pythia-70m: 8)",
      parsePositiveInteger,
    )
    .option(
      '--grad-accum <n>',
      "micro-batches per timed optimizer step (default: the preset's; the paper presets: 4)",
      parsePositiveInteger,
    )
    .option(
      '--processes <n>',
      'identical training processes side by side (throughput of parallel runs; default 1)',
      parsePositiveInteger,
    )
    .option(
      '--threads <list>',
      'threads of the native kernels in each wasm+native process; a list (1,2) times wasm+native and PyTorch ' +
        'once per count (default: the cores here ÷ --processes)',
      parsePositiveIntegerList,
    )
    .option(
      '--torch-python <path>',
      "a Python with torch and transformers: also time PyTorch's GPT-2 step at each preset's sizes " +
        'with the same threads, and print normfree ÷ PyTorch',
    )
    .option(
      '--torch-script <file>',
      `the PyTorch timing script (default: ${defaultTorchScript}, ` +
        "the project's baseline shipped in @normfree/bench)",
    )
    .option('--timeout <seconds>', 'per-process time limit (default 1200)', parsePositiveNumber)
    .option('--json <file>', 'also write the result as JSON (refuses an existing file)')
    .option('--baseline <file>', 'compare with an earlier --json result and print the ratios')
    .action(async (flags: BenchFlags) => {
      const jsonPath = flags.json === undefined ? undefined : absolute(flags.json);
      if (jsonPath !== undefined && existsSync(jsonPath))
        throw new UsageError(`--json '${jsonPath}' already exists; nothing was overwritten. Choose another file.`);
      const bench = await import('@normfree/bench');
      let baseline;
      if (flags.baseline !== undefined) {
        const path = absolute(flags.baseline);
        try {
          baseline = bench.parseBenchResult(JSON.parse(await readFile(path, 'utf8')));
        } catch (error) {
          throw new UsageError(`--baseline '${path}': ${errorMessage(error)}`);
        }
      }
      const result = await bench.runBench({
        ...definedFields({
          presets: flags.presets,
          configurations: flags.configs,
          backends: flags.backends,
          steps: flags.steps,
          warmupSteps: flags.warmup,
          matmulSizes: flags.matmulSizes,
        }),
        ...(flags.cpuTraining === true ? { cpuTraining: true } : {}),
        ...definedFields({
          batchSize: flags.batchSize,
          gradientAccumulation: flags.gradAccum,
          processes: flags.processes,
          threads: flags.threads,
        }),
        ...(flags.torchPython === undefined
          ? {}
          : {
              torchPython: flags.torchPython,
              torchScript: flags.torchScript === undefined ? defaultTorchScript : absolute(flags.torchScript),
            }),
        ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout * 1000 }),
        log: (line: string) => io.stderr(`[normfree bench] ${line}\n`),
      });
      io.stdout(`${bench.formatBenchTable(result)}\n`);
      if (baseline !== undefined) io.stdout(`\n${bench.compareWithBaseline(result, baseline).text}\n`);
      if (jsonPath !== undefined) {
        await writeFileAtomic(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
        io.stdout(`result: ${jsonPath}\n`);
      }
      const failed = result.runs.filter((run) => run.status === 'failed');
      setExitCode(failed.length > 0 ? exitCodes.failure : exitCodes.ok);
    });
}

/** `normfree bench`: a named function rather than an inline `register`, so the action keeps its indentation. */
export const benchDefinition: CommandDefinition = { name: 'bench', register: registerBench };
