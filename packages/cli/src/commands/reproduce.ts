/**
 * `normfree reproduce`: plan the experiment, train its runs (skipping finished ones on `--resume`),
 * then write the figures and report, all through @normfree/experiment; this file prints. Diverged
 * runs are results; failed runs make the exit code 1.
 */
import { formatDuration, planExperiment } from '@normfree/experiment';
import { errorMessage, exitCodes } from '../errors.js';
import { resolveRunInputs, type RunCommandOptions } from './run-inputs.js';

export interface ReproduceCommandOptions extends RunCommandOptions {
  readonly preset: string;
  readonly configurations: readonly string[];
  readonly seeds: readonly number[];
  /** Absolute; undefined → `<runsBase>/<preset>-<date>`. */
  readonly outDir: string | undefined;
  readonly workers: number;
  /** Write figures and report after training (default true). */
  readonly report?: boolean;
  /** Write the experiment folder and plan.json only. */
  readonly planOnly?: boolean;
}

export async function reproduceCommand(options: ReproduceCommandOptions): Promise<number> {
  const { io } = options;
  const startedAt = Date.now();
  const inputs = await resolveRunInputs(options.preset, options);
  const { defaultOutDir, handleInterrupts, prepareExperiment, runExperiment, writeExperimentReport } = await import('@normfree/experiment/node');
  const outDir = options.outDir ?? (await defaultOutDir({ base: options.runsBase, name: inputs.preset.name, now: options.now, resume: options.resume }));
  const plan = planExperiment({
    preset: inputs.preset.name,
    configurations: options.configurations,
    seeds: options.seeds,
    overrides: inputs.overrides,
    vocabSize: inputs.vocabSize,
    activationModules: inputs.activationModules,
    backend: options.backend,
    nativeKernels: options.nativeKernels,
    outDir,
    now: options.now,
  });
  const { manifest } = plan;
  io.stderr(
    `[normfree] experiment ${outDir}: preset ${manifest.preset}, ${manifest.configurations.join(', ')} × seed${manifest.seeds.length > 1 ? 's' : ''} ${manifest.seeds.join(', ')}, ${plan.runs[0]?.training.steps ?? 0} steps, backend ${options.backend}, ${options.workers} worker${options.workers > 1 ? 's' : ''}\n`,
  );
  if (options.planOnly === true) {
    const directory = await prepareExperiment(plan, { resume: options.resume });
    io.stdout(`${directory === 'new' ? 'planned' : 'plan unchanged'}: ${plan.runs.length} runs in ${outDir} (plan.json); nothing trained\n`);
    io.stdout(plan.runs.map((run, index) => `  ${String(index).padStart(3)}  ${run.runId}`).join('\n') + '\n');
    io.stdout(`train run i with: normfree run ${outDir} --index <i>; then: normfree report ${outDir}\n`);
    return exitCodes.ok;
  }
  if (!inputs.preset.conclusive) io.stderr(`[normfree] note: preset '${inputs.preset.name}' is too small for the paper's effect to show reliably; use it to check the pipeline\n`);

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
