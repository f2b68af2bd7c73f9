/**
 * `normfree bench` logic (the command itself is wired in the CLI). Signatures:
 *
 * - `runBench(options?: BenchOptions): Promise<BenchResult>` — for every backend configuration in
 *   `options.backends` (default `['wasm', 'wasm+native', 'cpu']`), one worker process runs the matmul
 *   microbenchmark (`matmulSizes`, default 512³ and 1024³: 3 warm-ups, median of 7) and one process per
 *   preset in `options.presets` (default `['bench', 'laptop']`) times `steps` (default 10) training steps
 *   after `warmupSteps` (default 2): median/min/max ms per step, tokens/s, model GFLOP/s, peak RSS,
 *   first/last loss. Unavailable configurations (no native addon, …) come back `status: 'skipped'` with
 *   the reason; `cpu` only runs the matmul unless `cpuTraining: true`. `processes: 2` runs identical
 *   training processes side by side and reports their summed throughput. Never throws for a backend
 *   that fails; needs the compiled worker (`dist/bench/bench-worker.js`).
 * - `formatBenchTable(result: BenchResult): string` — aligned text tables (training, matmul ceiling,
 *   skipped/failed reasons). `JSON.stringify(result)` is the JSON output.
 * - `compareWithBaseline(result: BenchResult, baseline: BenchResult): BaselineComparison` — ratios
 *   current / baseline for tokens/s, ms/step, GFLOP/s, peak RSS and matmul GFLOP/s of every run present
 *   in both (`{ ratios, text }`; print `text` for `--baseline file.json`).
 * - `parseBenchResult(json: unknown): BenchResult` — validate a baseline file's contents.
 */
export type { BaselineRatio, BenchBackend, BenchOptions, BenchPreset, BenchResult, BenchRun, MatmulResult, NativeStatusSummary, StepTimes } from './api.js';
export { runBench, defaultBenchOptions, runTaskInProcess, workerScriptPath } from './run-bench.js';
export { formatBenchTable, compareWithBaseline, type BaselineComparison } from './format-bench.js';
export { parseBenchResult } from './parse-bench-result.js';
export { runBenchTask, type BenchTask } from './bench-worker.js';
export { trainingFlopsPerStep } from './flops.js';
