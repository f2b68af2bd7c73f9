/**
 * @normfree/bench: the benchmark of normfree (`normfree bench`, `npm run gpu-benchmark`). Node only:
 * it forks worker processes. Signatures:
 *
 * - `runBench(options?: BenchOptions, runTask?): Promise<BenchResult>` — for every backend
 *   configuration in `options.backends` (default `['wasm', 'wasm+native', 'cpu']`), one worker process
 *   runs the matmul microbenchmark (`matmulSizes`, default 512³ and 1024³: 3 warm-ups, median of 7) and
 *   one process per (preset in `options.presets`, default `['bench', 'laptop']`; experiment
 *   configuration in `options.configurations`, default `['sm-ln-g']`) times `steps` (default 10)
 *   optimizer steps after `warmupSteps` (default 2) of `@normfree/transformer`'s model trained by
 *   `@normfree/trainer`'s step (bench-training.ts): median/min/max ms per step, forward+backward ms,
 *   CPU ms, tokens/s, model GFLOP/s, peak RSS, first/last loss. Unavailable backend configurations (no
 *   native addon, …) come back `status: 'skipped'` with the reason; `cpu` only runs the matmul unless
 *   `cpuTraining: true`. `processes: 2` runs identical training processes side by side and reports
 *   their summed throughput. Never throws for a backend that fails; needs the compiled worker
 *   (`dist/bench-worker.js`, or `options.workerScript`).
 * - `formatBenchTable(result: BenchResult): string` — aligned text tables (training, matmul ceiling,
 *   skipped/failed reasons). `JSON.stringify(result)` is the JSON output.
 * - `compareWithBaseline(result: BenchResult, baseline: BenchResult): BaselineComparison` — ratios
 *   current / baseline for tokens/s, ms/step, GFLOP/s, peak RSS and matmul GFLOP/s of every run present
 *   in both (`{ ratios, text }`; print `text` for `--baseline file.json`).
 * - `parseBenchResult(json: unknown, source?: string): BenchResult` — validate a baseline file's contents.
 * - `torchPython` / `torchScript` options of `runBench`: PyTorch's GPT-2 step at each preset's sizes
 *   with the same thread count (`runTorchBaseline`), shown by `formatTorchComparison` (also part of
 *   `formatBenchTable`) as normfree ÷ PyTorch tokens/s. `torchScript` defaults to `defaultTorchScript`,
 *   the copy of `torch_gpt2_step.py` shipped in this package's `python/` folder.
 * - `runBenchTask(task: BenchTask): Promise<BenchRun>` — one task in this process (what a worker runs).
 * - `createBenchTraining({ preset, configuration }): Promise<BenchTraining>` — the model and the
 *   trainer's step that a training task times.
 * - `runGpuBenchmark(flags: GpuBenchmarkFlags, print?): Promise<number>` — the GPU benchmark
 *   (`npm run gpu-benchmark`, compiled `dist/gpu-benchmark.js`): adapters, fixture parity, matmul
 *   TFLOP/s and training tokens/s on webgpu (and tfjs-node-gpu); resolves to the exit code.
 *   `parseGpuBenchmarkFlags(args)` reads its command line.
 */
export { defaultBenchConfiguration, paperPresetBenchBatchSize } from './api.js';
export type {
  BaselineRatio,
  BenchBackend,
  BenchOptions,
  BenchPreset,
  BenchResult,
  BenchRun,
  BenchTask,
  MatmulResult,
  NativeKernelsSummary,
  StepTimes,
  TorchBaselineRun,
} from './api.js';
export { runBench, defaultBenchOptions, runTaskInProcess, workerScriptPath } from './run-bench.js';
export {
  formatBenchTable,
  formatTorchComparison,
  compareWithBaseline,
  type BaselineComparison,
} from './format-bench.js';
export {
  defaultTorchScript,
  runTorchBaseline,
  torchBaselineArguments,
  type TorchBaselineOptions,
} from './torch-baseline.js';
export { parseBenchResult } from './parse-bench-result.js';
export { runBenchTask } from './bench-worker.js';
export {
  createBenchTraining,
  type BenchTraining,
  type BenchStepResult,
  type CreateBenchTrainingOptions,
} from './bench-training.js';
export { trainingFlopsPerStep } from './flops.js';
export type { KernelTime, StepProfile } from './profile-step.js';
export {
  runGpuBenchmark,
  formatBackend,
  gpuChildScriptPath,
  type GpuBenchmarkReport,
  type GpuBackendFailure,
} from './gpu-benchmark.js';
export type { GpuBackendResult, GpuMatmulResult, GpuTrainingResult } from './gpu-benchmark-child.js';
export {
  parseGpuBenchmarkFlags,
  GpuBenchmarkUsageError,
  type GpuBenchmarkFlags,
  type GpuBenchmarkBackend,
} from './gpu-benchmark-flags.js';
export { judgeParity, formatParity, type ParityReport, type ParityFixtureRecord } from './gpu-parity.js';
