/**
 * Types of the benchmark (`normfree bench`): options, a worker's task, the JSON result, a PyTorch
 * measurement, baseline ratios. Every other file of the package imports its types from here, and this
 * file imports only types that have no imports back into the package, so there is no import circle.
 */
import type { NativeKernelsSummary } from '@normfree/experiment/node';
import type { StepProfile } from './profile-step.js';

/** What the native kernels of a `wasm+native` process did (`enableNativeKernels` of `@normfree/experiment/node`). */
export type { NativeKernelsSummary };

/** A backend configuration measured in its own process (backends cannot be unregistered cleanly). */
export type BenchBackend = 'wasm' | 'wasm+native' | 'cpu';

/** What a worker process measures: the matmul ceiling, or training steps of a preset model. */
export type BenchPreset = 'bench' | 'laptop' | 'paper-gpt2' | 'paper-pythia-70m';

/**
 * Micro-batch size of the paper presets' benchmark step unless told otherwise: their own 128
 * sequences do not fit a CPU's memory or patience; 8 × 128 tokens does (docs/performance.md, "The
 * paper's sizes on CPU").
 */
export const paperPresetBenchBatchSize = 8;

/** The experiment configuration a training run times unless told otherwise: Pre-LN, GELU (the paper's baseline). */
export const defaultBenchConfiguration = 'sm-ln-g';

export interface BenchOptions {
  /** Presets whose training step is timed (default: `['bench', 'laptop']`). */
  readonly presets?: readonly BenchPreset[];
  /**
   * Experiment configurations (`@normfree/core` ids, e.g. `sm-ln-g`, `sm-g`) timed for every preset
   * (default: `['sm-ln-g']`, Pre-LN GELU). `['sm-ln-g', 'sm-g']` compares the step with and without
   * LayerNorm.
   */
  readonly configurations?: readonly string[];
  /** Backend configurations (default: `['wasm', 'wasm+native', 'cpu']`; unavailable ones are reported as skipped). */
  readonly backends?: readonly BenchBackend[];
  /** Timed training steps after warm-up; the median of these is reported (default 10, at least 1). */
  readonly steps?: number;
  /** Untimed warm-up steps (default 2). */
  readonly warmupSteps?: number;
  /** Square matmul sizes for the ceiling microbenchmark (default `[512, 1024]`). */
  readonly matmulSizes?: readonly number[];
  /**
   * Time training on the pure-JS `cpu` backend too (default false: ≈300 s per step on the bench model,
   * toolchain.md §11.1; only its matmul microbenchmark and one step of the smallest preset run).
   */
  readonly cpuTraining?: boolean;
  /**
   * Sequences per micro-batch of every timed step (default: the preset's own, except
   * {@link paperPresetBenchBatchSize} for the `paper-*` presets).
   */
  readonly batchSize?: number;
  /** Micro-batches per optimizer step (default: the preset's own; `paper-*`: 4). */
  readonly gradientAccumulation?: number;
  /** Identical training processes run side by side, to measure throughput of parallel configurations (default 1). */
  readonly processes?: number;
  /**
   * Threads of the native kernels in each `wasm+native` process (default: the cores here ÷
   * `processes`, at least 1). A list times wasm+native (and PyTorch) once per count, in this order,
   * in the same invocation (e.g. `[1, 2]`).
   */
  readonly threads?: number | readonly number[];
  /**
   * A Python with torch and transformers: also time PyTorch's GPT-2 step at each preset's sizes with
   * the same thread count, in the same invocation (see torch-baseline.ts); default: not run.
   */
  readonly torchPython?: string;
  /**
   * The PyTorch timing script (default: this package's `python/torch_gpt2_step.py`, exported as
   * `defaultTorchScript`).
   */
  readonly torchScript?: string;
  /** Per-process time limit in ms (default 20 minutes). */
  readonly timeoutMs?: number;
  /**
   * The compiled worker script (default: `bench-worker.js` next to the runner's own module, or in
   * `dist/` when the runner runs from its TypeScript sources; see {@link workerScriptPath}).
   */
  readonly workerScript?: string;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

/** What one worker process does; the runner sends it as JSON on the command line. */
export interface BenchTask {
  readonly backend: BenchBackend;
  readonly job: 'matmul' | BenchPreset;
  /** Experiment configuration of a training job (default {@link defaultBenchConfiguration}). */
  readonly configuration?: string;
  readonly steps: number;
  readonly warmupSteps: number;
  readonly matmulSizes: readonly number[];
  /** Micro-batch size (default: see {@link BenchOptions.batchSize}). */
  readonly batchSize?: number;
  /** Micro-batches per step (default: the preset's). */
  readonly gradientAccumulation?: number;
  /** With `wasm+native`: register only these native kernels (default: all), e.g. to measure them one group at a time. */
  readonly nativeKernels?: readonly string[];
  /** With `wasm+native`: threads of the native kernels (default: the cores the process may use). */
  readonly threads?: number;
  /** Also profile this many extra steps by kernel (CPU time per kernel) and report the breakdown. */
  readonly profileSteps?: number;
}

export interface StepTimes {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface MatmulResult {
  /** n of the n×n·n×n product. */
  readonly size: number;
  readonly msMedian: number;
  readonly gflops: number;
}

/** One measured (backend, job) pair. Plain numbers only. */
export interface BenchRun {
  readonly backend: BenchBackend;
  /** `matmul` for the microbenchmark, else the preset whose training step was timed. */
  readonly job: 'matmul' | BenchPreset;
  readonly status: 'ok' | 'skipped' | 'failed';
  /** Why a run was skipped or failed. */
  readonly reason?: string;
  /** The backend's own description (e.g. `wasm SIMD, 1 thread`). */
  readonly backendInfo?: string;
  readonly native?: NativeKernelsSummary;
  readonly matmul?: readonly MatmulResult[];
  /**
   * Which model was trained: `@normfree/transformer` (results written before the bench timed only
   * the real model may also say `reference step`).
   */
  readonly model?: string;
  /** The experiment configuration of a training run (absent in older results: `sm-ln-g`). */
  readonly configuration?: string;
  /** What updates the weights: the trainer's step (older results may say `tf.train.adam`). */
  readonly optimizer?: string;
  /** Trainable values (what AdamW updates; frozen zero biases excluded, tied head once). */
  readonly parameters?: number;
  /**
   * Values of the model's state dict (frozen zero biases included, tied head once): what PyTorch's
   * `sum(p.numel() for p in model.parameters())` prints for the reference model.
   */
  readonly stateDictValues?: number;
  /** Sequences per micro-batch. */
  readonly batchSize?: number;
  /** Micro-batches per optimizer step (absent in older results). */
  readonly gradientAccumulation?: number;
  readonly tokensPerStep?: number;
  /** Model FLOPs per training step: 3 × forward matmul FLOPs (attention counted at full T×T). */
  readonly flopsPerStep?: number;
  readonly msPerStep?: StepTimes;
  /**
   * Median wall time of the step's forward and backward passes (`computeGradients`), ms: the step
   * without clipping, the loss read-back and AdamW. Meaningful on wasm and cpu, whose kernels run
   * synchronously.
   */
  readonly forwardBackwardMsPerStep?: number;
  /**
   * Median CPU time (user + system) of this process per step, ms. On a shared machine wall time
   * includes waiting for a core; CPU time does not, so it is the steadier of the two.
   */
  readonly cpuMsPerStep?: number;
  /** Per-kernel CPU-time breakdown of extra profiled steps, when requested. */
  readonly profile?: StepProfile & { readonly outsideKernelsMs: number };
  readonly tokensPerSecond?: number;
  /** flopsPerStep / median step time, in GFLOP/s. */
  readonly achievedGflops?: number;
  /** Loss of the first and last timed step (a sanity check that training runs). */
  readonly loss?: { readonly first: number; readonly last: number };
  /** Peak resident memory of the process (VmHWM / maxRSS), MiB. */
  readonly peakRssMiB?: number;
  /** Processes that ran side by side; tokensPerSecond is their sum when > 1. */
  readonly processes?: number;
  readonly perProcessTokensPerSecond?: readonly number[];
  readonly steps?: number;
  readonly warmupSteps?: number;
}

export interface BenchResult {
  readonly version: 1;
  readonly date: string;
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly node: string;
    readonly platform: string;
    readonly simdFlags: readonly string[];
  };
  readonly runs: readonly BenchRun[];
  /** PyTorch's step at the same sizes, when `torchPython` was given. */
  readonly torch?: readonly TorchBaselineRun[];
}

/** One PyTorch measurement (plain numbers): what torch-baseline.ts reads from the script's JSON line. */
export interface TorchBaselineRun {
  readonly preset: BenchPreset;
  /** `torch.set_num_threads`. */
  readonly threads: number;
  readonly status: 'ok' | 'failed';
  readonly reason?: string;
  /** e.g. `torch 2.13.0+cpu`. */
  readonly runtime?: string;
  readonly parameters?: number;
  readonly batchSize: number;
  readonly msPerStep?: StepTimes;
  readonly tokensPerSecond?: number;
}

export interface BaselineRatio {
  readonly backend: BenchBackend;
  readonly job: 'matmul' | BenchPreset;
  /** The training run's experiment configuration (absent for matmul). */
  readonly configuration?: string;
  /** Which quantity: `tokens/s`, `ms/step`, `GFLOP/s`, `peak RSS`, `matmul 512 GFLOP/s`, … */
  readonly metric: string;
  readonly current: number;
  readonly baseline: number;
  /** current / baseline. For tokens/s and GFLOP/s > 1 is better; for ms/step and memory < 1 is better. */
  readonly ratio: number;
}
