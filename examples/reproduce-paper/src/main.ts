/**
 * The paper's experiment grid from code (no command line): the four configurations of Table 2 —
 * SM+LN+G, SM+LN+R, SM+G, SM+R — trained on the embedded corpus with the same data, seed and
 * schedule, then the figures and report. This is what `normfree reproduce` does, written out with
 * @normfree/experiment's API (the runner the CLI drives) so each step can be changed.
 *
 *   pnpm --filter @normfree/example-reproduce-paper start -- [preset] [out-dir]
 *
 * References: docs/paper-reference.md §8 (Table 2), §9 (the grid).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getPreset, paperConfigurationIds } from '@normfree/core';
import { planExperiment, silentProgress, type ExperimentProgress, type RunExecutor } from '@normfree/experiment';
import {
  createInProcessExecutor,
  loadTokenizerVocabSize,
  runExperiment,
  writeExperimentReport,
  type WrittenReport,
} from '@normfree/experiment/node';

/** Progress as plain lines on stderr: a run starts, ends, or says something. */
const stderrProgress: ExperimentProgress = {
  start: (runId, { steps, startStep }) =>
    process.stderr.write(`${runId}: ${startStep > 0 ? `resuming at step ${startStep}` : 'starting'}, ${steps} steps\n`),
  update: () => undefined,
  finish: (runId, message) => process.stderr.write(`${runId}: ${message}\n`),
  log: (line) => process.stderr.write(`${line}\n`),
  stop: () => undefined,
};

export interface ReproducePaperOptions {
  /** A core preset: `smoke` (seconds), `quick` (minutes), `laptop` (the default experiment), … */
  readonly preset?: string;
  /** Where the experiment goes (must be empty or missing). */
  readonly outDir: string;
  /** Configuration ids (default: the paper's four). */
  readonly configurations?: readonly string[];
  /** Seeds; several give mean ± spread in the table (default: 1337). */
  readonly seeds?: readonly number[];
  /** Override the preset's optimizer steps. */
  readonly steps?: number;
  /** How a run is trained (default: in this process, on the wasm backend). */
  readonly executor?: RunExecutor;
  /** Print progress lines on stderr (default true). */
  readonly verbose?: boolean;
}

/** Train the grid and write the report; resolves to what was written. */
export async function reproducePaper(options: ReproducePaperOptions): Promise<WrittenReport> {
  // 1. Plan: every run resolved and validated before anything is trained, with the real vocabulary.
  const preset = getPreset(options.preset ?? 'laptop');
  const plan = planExperiment({
    preset: preset.name,
    vocabSize: await loadTokenizerVocabSize(preset.tokenizer),
    configurations: options.configurations ?? paperConfigurationIds,
    seeds: options.seeds ?? [1337],
    overrides: options.steps === undefined ? {} : { steps: options.steps },
    target: { backend: 'wasm' },
    outDir: options.outDir,
  });
  // 2. Train: experiment.json first, then one folder per run; a diverged run does not stop the others.
  const result = await runExperiment(plan, {
    executor: options.executor ?? createInProcessExecutor(),
    progress: options.verbose === false ? silentProgress : stderrProgress,
  });
  const failed = result.outcomes.filter((outcome) => outcome.kind === 'failed');
  if (failed.length > 0) throw new Error(`runs failed: ${failed.map((outcome) => outcome.runId).join(', ')}`);
  // 3. Report: figures (SVG + PNG), report.md and report.html, rebuilt from the logs on disk.
  return writeExperimentReport({ dir: plan.outDir });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [preset = 'quick', outDir] = process.argv.slice(2).filter((argument) => argument !== '--');
  const report = await reproducePaper({
    preset,
    outDir: outDir ?? (await mkdtemp(join(tmpdir(), `normfree-${preset}-`))),
  });
  process.stdout.write(`${report.table}\n\nreport: ${report.markdownPath}\n`);
}
