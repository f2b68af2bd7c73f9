/**
 * `normfree reproduce`: plan the experiment, train its runs (skipping finished ones on `--resume`),
 * then write the figures and report. Diverged runs are results; failed runs make the exit code 1.
 */
import { getPreset } from '@normfree/core';
import { UsageError, errorMessage, exitCodes } from '../errors.js';
import { defaultOutDir } from '../experiment-directory.js';
import { handleInterrupts } from '../interrupt.js';
import { planExperiment } from '../experiment-plan.js';
import type { CliBackendName } from '../option-parsers.js';
import type { CliIo } from '../program.js';
import type { ProgressDisplay } from '../progress.js';
import { formatDuration } from '../progress.js';
import type { RunExecutor } from '../run-executor.js';
import { runExperiment } from '../run-experiment.js';
import type { Overrides } from '../run-settings.js';

export interface ReproduceCommandOptions {
  readonly preset: string;
  readonly configurations: readonly string[];
  readonly seeds: readonly number[];
  readonly overrides: Overrides;
  readonly backend: CliBackendName;
  /** Native kernels on wasm when available (`--no-native` turns them off). */
  readonly nativeKernels?: boolean;
  /** Absolute; undefined → `<runsBase>/<preset>-<date>`. */
  readonly outDir: string | undefined;
  readonly runsBase: string;
  readonly resume: boolean;
  readonly workers: number;
  /** Write figures and report after training (default true). */
  readonly report?: boolean;
  readonly now: Date;
  readonly io: CliIo;
  readonly progress: ProgressDisplay;
  readonly executor: RunExecutor;
}

/** Core lookups throw RangeError for unknown names; on the command line that is bad input. */
export function asUsageError<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

export async function reproduceCommand(options: ReproduceCommandOptions): Promise<number> {
  const { io } = options;
  const startedAt = Date.now();
  const preset = asUsageError(() => getPreset(options.preset));
  const outDir = options.outDir ?? (await defaultOutDir({ base: options.runsBase, name: preset.name, now: options.now, resume: options.resume }));
  const plan = asUsageError(() =>
    planExperiment({
      preset: preset.name,
      configurations: options.configurations,
      seeds: options.seeds,
      overrides: options.overrides,
      backend: options.backend,
      nativeKernels: options.nativeKernels,
      outDir,
      now: options.now,
    }),
  );
  io.stderr(
    `[normfree] experiment ${outDir}: preset ${preset.name}, ${plan.manifest.configurations.join(', ')} × seed${plan.manifest.seeds.length > 1 ? 's' : ''} ${plan.manifest.seeds.join(', ')}, ${plan.runs[0]?.training.steps ?? 0} steps, backend ${options.backend}, ${options.workers} worker${options.workers > 1 ? 's' : ''}\n`,
  );
  if (!preset.conclusive) io.stderr(`[normfree] note: preset '${preset.name}' is too small for the paper's effect to show reliably; use it to check the pipeline\n`);

  const interrupts = handleInterrupts(() => io.stderr('\n[normfree] stopping after the current step of each run (a checkpoint is written); Ctrl-C again quits at once\n'));
  let result;
  try {
    result = await runExperiment(plan, { executor: options.executor, workers: options.workers, resume: options.resume, progress: options.progress, signal: interrupts.signal });
  } finally {
    interrupts.dispose();
  }
  if (result.interrupted) {
    io.stderr(`[normfree] interrupted; continue with: normfree reproduce --resume --out ${outDir} (and the same options)\n`);
    return exitCodes.interrupted;
  }
  const failed = result.outcomes.filter((outcome) => outcome.kind === 'failed');

  if (options.report === false) {
    io.stdout(`runs: ${outDir} (no report: build it with \`normfree report ${outDir}\`)\n`);
  } else {
    try {
      const { writeExperimentReport } = await import('../write-report.js');
      const report = await writeExperimentReport({ dir: outDir });
      io.stdout(`${report.table}\n\n`);
      io.stdout(`report: ${report.markdownPath}\n        ${report.htmlPath}\nfigures: ${report.figures.length} files in ${outDir}\n`);
    } catch (error) {
      io.stderr(`error: the runs are saved in ${outDir}, but the report could not be written: ${errorMessage(error)}\n`);
      return exitCodes.failure;
    }
  }
  io.stderr(`[normfree] done in ${formatDuration((Date.now() - startedAt) / 1000)}\n`);
  if (failed.length > 0) {
    io.stderr(`error: ${failed.length} run(s) failed: ${failed.map((outcome) => `${outcome.runId} (${outcome.kind === 'failed' ? outcome.error : ''})`).join('; ')}; rerun with --resume --out ${outDir} to retry them\n`);
    return exitCodes.failure;
  }
  return exitCodes.ok;
}
