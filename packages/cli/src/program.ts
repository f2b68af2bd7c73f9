/**
 * The `normfree` command line (commander 14): `reproduce`, `train`, `report`, `plot-authors`,
 * `bench`. Unknown flags are rejected with a suggestion (`Did you mean --steps?`), every command has
 * `--help`, and {@link runCli} returns the exit code instead of exiting, so it can be tested.
 *
 * The training, plotting and benchmark packages are imported lazily: `normfree --help` does not load
 * TF.js.
 */
import { Command, CommanderError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { paperConfigurationIds, presets } from '@normfree/core';
import { UsageError, errorMessage, exitCodes } from './errors.js';
import {
  backendNames,
  parseActivation,
  parseBackend,
  parseConfiguration,
  parseConfigurationList,
  parseNonNegativeInteger,
  parseNorm,
  parsePositiveInteger,
  parsePositiveNumber,
  parsePreset,
  parseSeedList,
  type CliBackendName,
} from './option-parsers.js';
import type { ProgressDisplay } from './progress.js';
import type { RunExecutor } from './run-executor.js';
import type { Overrides } from './run-settings.js';

/** Where the command line writes; tests capture both. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The stream progress bars draw on (a TTY gets bars, anything else plain lines). */
  readonly progressStream: NodeJS.WriteStream;
  /** Relative paths resolve against this folder. */
  readonly cwd: string;
}

/** Replaceable pieces, for tests and for code that embeds the command line. */
export interface CliDependencies {
  /** Executor for `workers` parallel runs (default: in-process for 1, child processes for more). */
  readonly createExecutor?: (options: { workers: number }) => Promise<RunExecutor> | RunExecutor;
  readonly progress?: ProgressDisplay;
  readonly now?: () => Date;
}

/**
 * Two worker processes when the machine has two cores: on the idle 2-vCPU project machine four
 * `quick` runs took 59 s with 2 workers against 95–101 s with 1 (README "Timings and parallel runs").
 */
export const defaultWorkers = Math.max(1, Math.min(2, availableParallelism()));

/** Worker default for a preset: 1 for `smoke`, whose runs take less time than a worker's start-up. */
export function defaultWorkersFor(preset: string): number {
  return preset === 'smoke' ? 1 : defaultWorkers;
}

/** Options shared by `reproduce` and `train` that override a preset. */
function addOverrideOptions(command: Command): Command {
  return command
    .option('--steps <n>', 'optimizer steps (overrides the preset)', parsePositiveInteger)
    .option('--batch-size <n>', 'sequences per micro-batch', parsePositiveInteger)
    .option('--grad-accum <n>', 'micro-batches per optimizer step', parsePositiveInteger)
    .option('--lr <rate>', 'peak learning rate', parsePositiveNumber)
    .option('--eval-every <n>', 'evaluate every n steps', parsePositiveInteger)
    .option('--entropy-every <n>', 'log head entropy / NaN counts / slopes every n steps', parsePositiveInteger)
    .option('--eval-windows <n>', 'validation windows per evaluation (0 = all)', parseNonNegativeInteger)
    .option('--checkpoint-every <n>', 'save a checkpoint every n steps (default: the eval cadence; 0 = only at the end)', parseNonNegativeInteger)
    .option('--n-layer <n>', 'transformer blocks', parsePositiveInteger)
    .option('--n-head <n>', 'attention heads (must divide --n-embd)', parsePositiveInteger)
    .option('--n-embd <n>', 'model width d', parsePositiveInteger)
    .option('--block-size <n>', 'context length T', parsePositiveInteger)
    .option('--fp16-overflow', 'emulate fp16 overflow of attention logits (the paper\'s NaNs, paper-reference §7)')
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(backendNames).default('wasm').argParser(parseBackend))
    .option('--no-native', 'with --backend wasm: do not use the native CPU kernels of @normfree/backend-native (used by default when built)')
    .option('--plain-progress', 'print plain progress lines even in a terminal')
    .option('--progress-interval <seconds>', 'seconds between plain progress lines', parsePositiveNumber, 10);
}

interface OverrideFlags {
  steps?: number;
  batchSize?: number;
  gradAccum?: number;
  lr?: number;
  evalEvery?: number;
  entropyEvery?: number;
  evalWindows?: number;
  checkpointEvery?: number;
  nLayer?: number;
  nHead?: number;
  nEmbd?: number;
  blockSize?: number;
  fp16Overflow?: boolean;
  backend: CliBackendName;
  native: boolean;
  plainProgress?: boolean;
  progressInterval: number;
}

function overridesFrom(flags: OverrideFlags & { norm?: Overrides['norm']; activation?: Overrides['activation'] }): Overrides {
  const entries: [keyof Overrides, unknown][] = [
    ['steps', flags.steps],
    ['batchSize', flags.batchSize],
    ['gradientAccumulation', flags.gradAccum],
    ['learningRate', flags.lr],
    ['evalEvery', flags.evalEvery],
    ['entropyEvery', flags.entropyEvery],
    ['evalWindows', flags.evalWindows],
    ['checkpointEvery', flags.checkpointEvery],
    ['nLayer', flags.nLayer],
    ['nHead', flags.nHead],
    ['nEmbd', flags.nEmbd],
    ['blockSize', flags.blockSize],
    ['norm', flags.norm],
    ['activation', flags.activation],
    ['fp16Overflow', flags.fp16Overflow],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as Overrides;
}

/**
 * Build the program. Actions report their exit code through `setExitCode`; errors propagate to
 * {@link runCli}.
 */
export function createProgram(io: CliIo, dependencies: CliDependencies = {}, setExitCode: (code: number) => void = () => {}): Command {
  const now = dependencies.now ?? (() => new Date());
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(io.cwd, path));
  const progressFor = async (flags: OverrideFlags): Promise<ProgressDisplay> => {
    if (dependencies.progress !== undefined) return dependencies.progress;
    const { createProgressDisplay } = await import('./progress.js');
    return createProgressDisplay({ stream: io.progressStream, plain: flags.plainProgress === true, intervalMs: flags.progressInterval * 1000 });
  };
  const executorFor = async (workers: number): Promise<RunExecutor> => {
    if (dependencies.createExecutor !== undefined) return dependencies.createExecutor({ workers });
    if (workers > 1) {
      const { createForkExecutor } = await import('./fork-executor.js');
      return createForkExecutor();
    }
    const { createInProcessExecutor } = await import('./train-run.js');
    return createInProcessExecutor();
  };

  const program = new Command('normfree')
    .description('Normalization-free transformers on TensorFlow.js: reproduce "ReLU\'s Revival" (Jha & Reagen, 2024)')
    .version('0.0.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  addOverrideOptions(
    program
      .command('reproduce')
      .description(`train the paper's configurations (default ${paperConfigurationIds.join(', ')}) with the same data, seed and schedule, then write figures and report.md / report.html`)
      .addOption(new Option('--preset <name>', 'model size and training preset').choices(Object.keys(presets)).default('laptop').argParser(parsePreset))
      .option('--configs <ids>', `comma list of configuration ids (default: ${paperConfigurationIds.join(',')})`, parseConfigurationList)
      .option('--seeds <list>', 'comma list of seeds; several give mean ± spread (default: 1337)', parseSeedList)
      .option('--out <dir>', 'experiment folder (default: runs/<preset>-<date>)')
      .option('--resume', 'continue the experiment in --out: finished runs are skipped, interrupted ones resume from their checkpoint')
      .option('--workers <n>', `runs trained at the same time, each in its own worker process (default: ${defaultWorkers}; 1 for preset smoke)`, parsePositiveInteger)
      .option('--no-report', 'skip the figures and report (build them later with `normfree report <dir>`)'),
  ).action(async (flags: OverrideFlags & { preset: string; configs?: string[]; seeds?: number[]; out?: string; resume?: boolean; workers?: number; report: boolean }) => {
    const { reproduceCommand } = await import('./commands/reproduce.js');
    const workers = flags.workers ?? defaultWorkersFor(flags.preset);
    const code = await reproduceCommand({
      preset: flags.preset,
      configurations: flags.configs ?? [...paperConfigurationIds],
      seeds: flags.seeds ?? [presets[flags.preset as keyof typeof presets].training.seed],
      overrides: overridesFrom(flags),
      backend: flags.backend,
      nativeKernels: flags.native,
      outDir: flags.out === undefined ? undefined : absolute(flags.out),
      runsBase: absolute('runs'),
      resume: flags.resume === true,
      workers,
      report: flags.report,
      now: now(),
      io,
      progress: await progressFor(flags),
      executor: await executorFor(workers),
    });
    setExitCode(code);
  });

  addOverrideOptions(
    program
      .command('train')
      .description('train one configuration into one run folder (config.json, logs.jsonl, summary.json, checkpoint)')
      .addOption(new Option('--preset <name>', 'model size and training preset').choices(Object.keys(presets)).default('quick').argParser(parsePreset))
      .option('--config <id>', 'configuration id (fixes norm and activation)', parseConfiguration, 'sm-ln-g')
      .option('--norm <type>', 'override the configuration\'s norm: layernorm (ln) | none (free)', parseNorm)
      .option('--activation <spec>', 'override the activation: gelu | gelu-tanh | relu | identity | leaky-relu:<slope> | learnable-leaky-relu:<per-layer|global|global-authors>[:<init>] | a per-layer schedule like gelu*2+relu*2', parseActivation)
      .option('--seed <n>', 'seed for init, dropout and data order', parseNonNegativeInteger, 1337)
      .option('--out <dir>', 'run folder (default: runs/train-<config>-seed<seed>-<date>)')
      .option('--resume', 'continue the run in --out from its checkpoint'),
  ).action(async (flags: OverrideFlags & { preset: string; config: string; norm?: Overrides['norm']; activation?: Overrides['activation']; seed: number; out?: string; resume?: boolean }) => {
    const { trainCommand } = await import('./commands/train.js');
    const code = await trainCommand({
      preset: flags.preset,
      configuration: flags.config,
      seed: flags.seed,
      overrides: overridesFrom(flags),
      backend: flags.backend,
      nativeKernels: flags.native,
      outDir: flags.out === undefined ? undefined : absolute(flags.out),
      runsBase: absolute('runs'),
      resume: flags.resume === true,
      now: now(),
      io,
      progress: await progressFor(flags),
      executor: await executorFor(1),
    });
    setExitCode(code);
  });

  program
    .command('report')
    .description('rebuild the figures, report.md and report.html from logs: of an experiment folder, of a run folder, or of several in one report')
    .argument('<dirs...>', 'an experiment folder (report written into it), a run folder from `train` (likewise), or several of either with --out')
    .option('--out <dir>', 'where the figures and report go (required with several folders)')
    .action(async (dirs: string[], flags: { out?: string }) => {
      const { reportCommand } = await import('./commands/report.js');
      setExitCode(await reportCommand({ dirs: dirs.map(absolute), outDir: flags.out === undefined ? undefined : absolute(flags.out), io }));
    });

  program
    .command('plot-authors')
    .description('draw the same figures from the authors\' PyTorch text logs (entropy_logs/, nan_count_logs/, neg_slope_logs/)')
    .argument('<dirs...>', 'one folder per configuration, each holding the authors\' log folders')
    .option('--out <dir>', 'where figures and the report go (default: ./authors-figures)')
    .action(async (dirs: string[], flags: { out?: string }) => {
      const { plotAuthorsCommand } = await import('./commands/plot-authors.js');
      setExitCode(await plotAuthorsCommand({ dirs: dirs.map(absolute), outDir: absolute(flags.out ?? 'authors-figures'), io }));
    });

  program
    .command('run-one', { hidden: true })
    .description('internal: train one run sent by a parent `reproduce --workers N` over IPC')
    .action(async () => {
      const { runOneFromParent } = await import('./fork-executor.js');
      await runOneFromParent();
    });

  return program;
}

/**
 * Parse `argv` (without the node and script paths) and run the command.
 *
 * @returns the exit code: 0 success, 1 a run or the report failed, 2 bad input.
 */
export async function runCli(argv: readonly string[], io: CliIo, dependencies: CliDependencies = {}): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = createProgram(io, dependencies, (code) => {
    exitCode = code;
  });
  const { addBenchCommand } = await import('./commands/bench.js');
  addBenchCommand(program, io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; `normfree` alone prints help and exits 2, like any usage error.
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return exitCodes.usage;
    }
    io.stderr(`error: ${errorMessage(error)}\n`);
    return exitCodes.failure;
  }
}
