/**
 * The `normfree` command line (commander 14): `reproduce`, `train`, `prepare`, `tokenizer train`,
 * `run`, `status`, `backends`, `report`, `plot-authors`, `bench`. Argument parsing, printing and wiring only: the experiment runner is
 * `@normfree/experiment`. Unknown flags are rejected with a suggestion (`Did you mean --steps?`),
 * every command has `--help`, and {@link runCli} returns the exit code instead of exiting, so it can
 * be tested.
 *
 * The override flags are built from `overrideFields`, the experiment runner's one list of what a
 * preset lets you change. Training, plotting and benchmark code is imported lazily: `--help` loads
 * only the run settings (and tfjs-core, which the activation registry needs).
 */
import { Command, CommanderError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { nodeBackendNames, type BackendName, type NodeBackendHooks } from '@normfree/backend';
import { paperConfigurationIds, presets } from '@normfree/core';
import { ExperimentInputError, overrideFields, type Overrides, type RunExecutor } from '@normfree/experiment';
import { UsageError, errorMessage, exitCodes } from './errors.js';
import {
  overrideValueParsers,
  parseChoice,
  parseConfiguration,
  parseByteSize,
  parseConfigurationList,
  parseFraction,
  parseNonNegativeInteger,
  parsePositiveInteger,
  parsePositiveNumber,
  parsePreset,
  parseSeedList,
} from './option-parsers.js';
import type { BackendRequest } from './backend-check.js';
import type { ProgressDisplay } from './progress.js';

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
  /** Environment of `run` (job array indices); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Stand-ins for dawn.node and tfjs-node in the backend checks (tests simulate machines with them). */
  readonly backendHooks?: NodeBackendHooks;
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

/** The commander attribute of each override flag (`--grad-accum` → `gradAccum`) and its key in `Overrides`. */
const overrideAttributes = overrideFields.map((field) => ({ field, attribute: new Option(field.flag).attributeName() }));

/** Options shared by `reproduce` and `train`: the preset overrides (from `overrideFields`), backend, progress. */
function addRunOptions(command: Command): Command {
  for (const { field } of overrideAttributes) {
    const option = new Option(field.flag, field.description);
    command.addOption(field.value === 'flag' ? option : option.argParser(overrideValueParsers[field.value]));
  }
  return command
    .addOption(new Option('--backend <name>', 'TF.js backend').choices(nodeBackendNames).default('wasm').argParser(parseChoice('backend', nodeBackendNames)))
    .option('--no-native', 'with --backend wasm: do not use the native CPU kernels of @normfree/backend-native (used by default when built)')
    .option('--threads <n>', `threads of the native kernels in each training process (default: the cores here, ${availableParallelism()}, ÷ workers)`, parsePositiveInteger)
    .option('--gpu-adapter <adapter>', "with --backend webgpu: an adapter's index or part of its name (see `normfree backends`), or 'software'")
    .option('--allow-software-adapter', 'with --backend webgpu: accept a software adapter (SwiftShader, lavapipe: slow, for testing)')
    .option('--activation-module <file...>', 'an ES module that registers plug-in activations (registerActivation of @normfree/activations); loaded here and in every worker process')
    .option('--data <store>', 'train on a token store written by `normfree prepare` (its tokenizer sets the vocabulary; default: the embedded corpus)')
    .option('--plain-progress', 'print plain progress lines even in a terminal')
    .option('--progress-interval <seconds>', 'seconds between plain progress lines', parsePositiveNumber, 10);
}

interface RunFlags {
  backend: BackendName;
  native: boolean;
  threads?: number;
  gpuAdapter?: string;
  allowSoftwareAdapter?: boolean;
  activationModule?: string[];
  data?: string;
  plainProgress?: boolean;
  progressInterval: number;
}

/** The cluster options of `reproduce --emit`. */
interface ClusterFlags {
  emit?: 'slurm' | 'k8s';
  normfreeCommand?: string;
  cpusPerTask?: number;
  gpusPerTask?: number;
  memory?: string;
  time?: string;
  partition?: string;
  account?: string;
  maxParallel?: number;
  setup?: string[];
  image?: string;
  volumeClaim?: string;
  mountPath?: string;
  namespace?: string;
}

function clusterOptionsFrom(flags: ClusterFlags): Omit<ClusterFlags, 'emit' | 'normfreeCommand'> & { normfreeCommand?: string[] } {
  const { emit: _emit, normfreeCommand, ...rest } = flags;
  const words = normfreeCommand?.trim().split(/\s+/).filter((word) => word !== '');
  return { ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)), ...(words === undefined || words.length === 0 ? {} : { normfreeCommand: words }) };
}

/** The overrides given on the command line; the activation is still text (`commands/run-inputs.ts` reads it). */
function overridesFrom(flags: Record<string, unknown>): Overrides & { activation?: unknown } {
  return Object.fromEntries(overrideAttributes.filter(({ attribute }) => flags[attribute] !== undefined).map(({ field, attribute }) => [field.key, flags[attribute]])) as Overrides;
}

/**
 * Build the program. Actions report their exit code through `setExitCode`; errors propagate to
 * {@link runCli}.
 */
export function createProgram(io: CliIo, dependencies: CliDependencies = {}, setExitCode: (code: number) => void = () => {}): Command {
  const now = dependencies.now ?? (() => new Date());
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(io.cwd, path));
  // A glob stays a glob: resolved against the working folder, its pattern characters kept.
  const absoluteInput = (path: string): string => (isAbsolute(path) ? path : `${io.cwd.replace(/\/$/, '')}/${path}`);
  const progressFor = async (flags: Pick<RunFlags, 'plainProgress' | 'progressInterval'>): Promise<ProgressDisplay> => {
    if (dependencies.progress !== undefined) return dependencies.progress;
    const { createProgressDisplay } = await import('./progress.js');
    return createProgressDisplay({ stream: io.progressStream, plain: flags.plainProgress === true, intervalMs: flags.progressInterval * 1000 });
  };
  const executorFor = async (workers: number): Promise<RunExecutor> => {
    if (dependencies.createExecutor !== undefined) return dependencies.createExecutor({ workers });
    const { createForkExecutor, createInProcessExecutor } = await import('@normfree/experiment/node');
    return workers > 1 ? createForkExecutor() : createInProcessExecutor();
  };
  /** The backend asked for must start here (checked before anything is written), unless nothing trains here. */
  const requireBackendFor = async (request: BackendRequest): Promise<void> => {
    const { requireBackend } = await import('./backend-check.js');
    await requireBackend(request, dependencies.backendHooks);
  };
  /** What `reproduce` and `train` share: overrides, backend, plug-ins, progress, executor. */
  const runOptions = async (flags: RunFlags & { resume?: boolean }, workers: number, trainsHere = true) => {
    if (trainsHere) await requireBackendFor(flags);
    return {
      overrides: overridesFrom(flags as unknown as Record<string, unknown>),
      activationModules: flags.activationModule ?? [],
      ...(flags.data === undefined ? {} : { data: absolute(flags.data) }),
      target: {
        backend: flags.backend,
        nativeKernels: flags.native,
        // Each of the `workers` processes gets its share of the cores; jobs trained elsewhere (--plan-only,
        // --emit) use the cores of their own machine unless --threads says otherwise.
        nativeThreads:
          flags.threads ?? (trainsHere ? Math.max(1, Math.floor(availableParallelism() / workers)) : undefined),
        gpuAdapter: flags.gpuAdapter,
        allowSoftwareAdapter: flags.allowSoftwareAdapter,
      },
      runsBase: absolute('runs'),
      resume: flags.resume === true,
      now: now(),
      io,
      progress: await progressFor(flags),
      executor: await executorFor(workers),
    };
  };

  const program = new Command('normfree')
    .description('Normalization-free transformers on TensorFlow.js: reproduce "ReLU\'s Revival" (Jha & Reagen, 2024)')
    .version('0.0.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  addRunOptions(
    program
      .command('reproduce')
      .description(`train the paper's configurations (default ${paperConfigurationIds.join(', ')}) with the same data, seed and schedule, then write figures and report.md / report.html`)
      .addOption(new Option('--preset <name>', 'model size and training preset').choices(Object.keys(presets)).default('laptop').argParser(parsePreset))
      .option('--configs <ids>', `comma list of configuration ids (default: ${paperConfigurationIds.join(',')})`, parseConfigurationList)
      .option('--seeds <list>', 'comma list of seeds; several give mean ± spread (default: 1337)', parseSeedList)
      .option('--out <dir>', 'experiment folder (default: runs/<preset>-<date>)')
      .option('--resume', 'continue the experiment in --out: finished runs are skipped, interrupted ones resume from their checkpoint')
      .option('--workers <n>', `runs trained at the same time, each in its own worker process (default: ${defaultWorkers}; 1 for preset smoke)`, parsePositiveInteger)
      .option('--no-report', 'skip the figures and report (build them later with `normfree report <dir>`)')
      .option('--plan-only', 'write the experiment folder and its plan (plan.json), train nothing: then `normfree run <dir> --index i` trains run i')
      .addOption(new Option('--emit <scheduler>', 'with the plan, write the job scripts of a cluster scheduler into <out>/slurm or <out>/kubernetes (implies --plan-only)').choices(['slurm', 'k8s']))
      .option('--normfree-command <words>', 'how the cluster jobs call normfree (default: normfree, as installed by npm), e.g. "npx normfree"')
      .option('--cpus-per-task <n>', 'CPUs of each run (cluster jobs; default 1)', parsePositiveInteger)
      .option('--gpus-per-task <n>', 'GPUs of each run (cluster jobs; default 0)', parseNonNegativeInteger)
      .option('--memory <size>', 'memory of each run: SLURM 16G / Kubernetes 16Gi (default 8G / 8Gi)')
      .option('--time <limit>', 'SLURM time limit of each run, e.g. 12:00:00 (default 24:00:00)')
      .option('--partition <name>', 'SLURM partition')
      .option('--account <name>', 'SLURM account')
      .option('--max-parallel <n>', 'runs at the same time on the cluster (SLURM %n, Kubernetes parallelism; default all)', parsePositiveInteger)
      .option('--setup <line...>', 'SLURM: shell lines run before normfree in each job, e.g. "module load nodejs/20"')
      .option('--image <image>', 'Kubernetes: the container image with normfree installed')
      .option('--volume-claim <name>', 'Kubernetes: the PersistentVolumeClaim that holds the experiment folder')
      .option('--mount-path <path>', 'Kubernetes: where the claim is mounted in the container (default: the parent of --out)')
      .option('--namespace <name>', 'Kubernetes namespace'),
  ).action(async (flags: RunFlags & { preset: string; configs?: string[]; seeds?: number[]; out?: string; resume?: boolean; workers?: number; report: boolean; planOnly?: boolean } & ClusterFlags) => {
    const { reproduceCommand } = await import('./commands/reproduce.js');
    const workers = flags.workers ?? defaultWorkersFor(flags.preset);
    const code = await reproduceCommand({
      // --plan-only / --emit train elsewhere (a cluster): this machine need not have the backend.
      ...(await runOptions(flags, workers, flags.planOnly !== true && flags.emit === undefined)),
      preset: flags.preset,
      configurations: flags.configs ?? [...paperConfigurationIds],
      seeds: flags.seeds ?? [presets[flags.preset as keyof typeof presets].training.seed],
      outDir: flags.out === undefined ? undefined : absolute(flags.out),
      workers,
      report: flags.report,
      planOnly: flags.planOnly === true || flags.emit !== undefined,
      ...(flags.emit === undefined ? {} : { emit: { scheduler: flags.emit, ...clusterOptionsFrom(flags) } }),
    });
    setExitCode(code);
  });

  addRunOptions(
    program
      .command('train')
      .description('train one configuration into one run folder (config.json, logs.jsonl, summary.json, checkpoint)')
      .addOption(new Option('--preset <name>', 'model size and training preset').choices(Object.keys(presets)).default('quick').argParser(parsePreset))
      .option('--config <id>', 'configuration id (fixes norm and activation)', parseConfiguration, 'sm-ln-g')
      .option('--seed <n>', 'seed for init, dropout and data order', parseNonNegativeInteger, 1337)
      .option('--out <dir>', 'run folder (default: runs/train-<config>-seed<seed>-<date>)')
      .option('--resume', 'continue the run in --out from its checkpoint'),
  ).action(async (flags: RunFlags & { preset: string; config: string; seed: number; out?: string; resume?: boolean }) => {
    const { trainCommand } = await import('./commands/train.js');
    const code = await trainCommand({
      ...(await runOptions(flags, 1)),
      preset: flags.preset,
      configuration: flags.config,
      seed: flags.seed,
      outDir: flags.out === undefined ? undefined : absolute(flags.out),
    });
    setExitCode(code);
  });

  program
    .command('prepare')
    .description('tokenize CodeParrot-style files (.jsonl, .jsonl.gz / .json.gz, .parquet; files, folders, globs) into a token store that --data trains on; streams, uses every core, resumes when run again')
    .argument('<inputs...>', 'input files, folders (a Hugging Face dataset folder: its data/train-*.parquet) or globs')
    .requiredOption('--out <dir>', 'the token store folder to write (new or empty, or an unfinished prepare of the same inputs to resume)')
    .option('--validation <paths...>', 'separate validation inputs (e.g. codeparrot-clean-valid); otherwise a seeded share of the input files')
    .option('--validation-fraction <f>', 'share of input files held out for validation when there is no --validation (default 0.05)', parseFraction)
    .option('--seed <n>', 'seed of the validation split by file (default 0)', parseNonNegativeInteger)
    .option('--tokenizer <name>', "'default-4096' (the embedded BPE), 'gpt2', or a tokenizer.json path", 'default-4096')
    .option('--field <name>', 'the row field holding the text (default content)')
    .option('--seq-len <n>', 'window length T: each file is cut into T-token windows, its tail dropped (default 128)', parsePositiveInteger)
    .option('--windows-per-shard <n>', 'windows per shard file (default 65536)', parsePositiveInteger)
    .option('--workers <n>', `tokenizer threads (default: ${availableParallelism()}, the cores here)`, parsePositiveInteger)
    .option('--max-files <n>', 'stop after this many source files (rows), a sample', parsePositiveInteger)
    .option('--max-tokens <n>', 'stop after the file that reaches this many tokens, a sample', parsePositiveInteger)
    .option('--skip-bad-files', 'skip unreadable (truncated, corrupt) input files and list them in the manifest, instead of stopping')
    .option('--plain-progress', 'print plain progress lines even in a terminal')
    .option('--progress-interval <seconds>', 'seconds between plain progress lines', parsePositiveNumber, 10)
    .action(async (inputs: string[], flags: { out: string; validation?: string[]; validationFraction?: number; seed?: number; tokenizer: string; field?: string; seqLen?: number; windowsPerShard?: number; workers?: number; maxFiles?: number; maxTokens?: number; skipBadFiles?: boolean; plainProgress?: boolean; progressInterval: number }) => {
      const { prepareCommand } = await import('./commands/prepare.js');
      const { out, validation, progressInterval, tokenizer, ...rest } = flags;
      setExitCode(
        await prepareCommand({
          ...rest,
          // a built-in name, else a tokenizer.json path (relative to the working folder)
          tokenizer: tokenizer === 'default-4096' || tokenizer === 'gpt2' ? tokenizer : absolute(tokenizer),
          inputs: inputs.map(absoluteInput),
          outDir: absolute(out),
          ...(validation === undefined ? {} : { validation: validation.map(absoluteInput) }),
          progressIntervalSeconds: progressInterval,
          io,
        }),
      );
    });

  program
    .command('tokenizer')
    .description('tokenizers for your corpus')
    .command('train')
    .description('train a byte-level BPE (GPT-2 pre-tokenizer) on CodeParrot-style files and write a Hugging Face tokenizer.json; memory stays bounded however large the input')
    .argument('<inputs...>', 'input files, folders or globs, as for prepare')
    .requiredOption('--vocab-size <n>', 'ids in the vocabulary, including the 256 bytes and the special tokens (the paper: about 50K)', parsePositiveInteger)
    .requiredOption('--out <file>', 'the tokenizer.json to write')
    .option('--field <name>', 'the row field holding the text (default content)')
    .option('--max-bytes <size>', 'read at most this much text, e.g. 500MB (default: all of it)', parseByteSize)
    .option('--special-tokens <list>', 'comma list of special tokens, given the last ids', '<|endoftext|>')
    .option('--max-distinct <n>', 'distinct pre-tokens kept while counting; rarer ones are pruned beyond it (bounds memory; default 2000000)', parsePositiveInteger)
    .action(async (inputs: string[], flags: { vocabSize: number; out: string; field?: string; maxBytes?: number; specialTokens: string; maxDistinct?: number }) => {
      const { tokenizerTrainCommand } = await import('./commands/tokenizer.js');
      setExitCode(
        await tokenizerTrainCommand({
          inputs: inputs.map(absoluteInput),
          vocabSize: flags.vocabSize,
          out: absolute(flags.out),
          ...(flags.field === undefined ? {} : { field: flags.field }),
          ...(flags.maxBytes === undefined ? {} : { maxBytes: flags.maxBytes }),
          ...(flags.maxDistinct === undefined ? {} : { maxDistinct: flags.maxDistinct }),
          specialTokens: flags.specialTokens.split(',').map((token) => token.trim()).filter((token) => token !== ''),
          io,
        }),
      );
    });

  program
    .command('run')
    .description('train one planned run of an experiment folder (a cluster job array task): --index or --run, else SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX; resumes an interrupted run, skips a finished one')
    .argument('<dir>', 'an experiment folder with its plan (from `reproduce --plan-only` or any `reproduce`)')
    .option('--index <i>', '0-based index into the plan', parseNonNegativeInteger)
    .option('--run <id>', 'a run id, e.g. sm-g-seed1337')
    .addOption(new Option('--backend <name>', "TF.js backend (default: the plan's)").choices(nodeBackendNames).argParser(parseChoice('backend', nodeBackendNames)))
    .option('--gpu-adapter <adapter>', "with --backend webgpu: an adapter's index or part of its name (see `normfree backends`), or 'software'")
    .option('--allow-software-adapter', 'with --backend webgpu: accept a software adapter (SwiftShader, lavapipe: slow, for testing)')
    .option('--plain-progress', 'print plain progress lines even in a terminal')
    .option('--progress-interval <seconds>', 'seconds between plain progress lines', parsePositiveNumber, 10)
    .action(async (dir: string, flags: { index?: number; run?: string; backend?: BackendName; gpuAdapter?: string; allowSoftwareAdapter?: boolean; plainProgress?: boolean; progressInterval: number }) => {
      const { runCommand } = await import('./commands/run.js');
      const code = await runCommand({
        requireBackend: requireBackendFor,
        target: {
          backend: flags.backend,
          gpuAdapter: flags.gpuAdapter,
          allowSoftwareAdapter: flags.allowSoftwareAdapter,
        },
        dir: absolute(dir),
        ...(flags.index === undefined ? {} : { index: flags.index }),
        ...(flags.run === undefined ? {} : { runId: flags.run }),
        env: dependencies.env ?? process.env,
        io,
        progress: await progressFor(flags),
        executor: await executorFor(1),
      });
      setExitCode(code);
    });

  program
    .command('backends')
    .description('list the backends this machine can train on, with every WebGPU adapter dawn.node sees (index, name, vendor, architecture, type, isFallbackAdapter) for --gpu-adapter')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const { backendsCommand } = await import('./commands/backends.js');
      setExitCode(await backendsCommand({ io, json: flags.json === true, ...(dependencies.backendHooks === undefined ? {} : { hooks: dependencies.backendHooks }) }));
    });

  program
    .command('status')
    .description('list the planned runs of an experiment folder and where each stands: planned, running, interrupted, failed, completed, diverged')
    .argument('<dir>', 'an experiment folder')
    .action(async (dir: string) => {
      const { statusCommand } = await import('./commands/status.js');
      setExitCode(await statusCommand({ dir: absolute(dir), io }));
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
    if (error instanceof UsageError || error instanceof ExperimentInputError) {
      io.stderr(`error: ${error.message}\n`);
      return exitCodes.usage;
    }
    io.stderr(`error: ${errorMessage(error)}\n`);
    return exitCodes.failure;
  }
}
