/**
 * Figures, report.md and report.html of an experiment folder (or of any run folders), rebuilt from
 * the runs' logs: the same code path after `reproduce` and for `normfree report <dir>`. Reading is
 * @normfree/trainer's `readRunDirectory`; drawing and writing is @normfree/plot's `writeReport`.
 * This module only assembles: which runs, which manifest, and one table of its own (every run with
 * its status, so a diverged run is named as such), handed to plot as a section.
 */
import { basename } from 'node:path';
import {
  experimentConfigurations,
  getPreset,
  type ExperimentManifest,
  type RunData,
  type RunSummary,
  definedFields,
} from '@normfree/core';
import {
  perplexityTable,
  perplexityTableMarkdown,
  plotRunFromRunData,
  sortRuns,
  markdownTable,
  type PlotRun,
  type ReportSection,
  type ReportTable,
} from '@normfree/plot';
import { writeReport } from '@normfree/plot/node';
import { readRunDirectory } from '@normfree/trainer/node';
import { ExperimentInputError, errorMessage } from '../errors.js';
import { runId, type RunnerManifest } from '../plan.js';
import { folderKind, listRunFolders, manifestFileName, readManifest } from './experiment-folder.js';
import { readPlan } from './plan-file.js';
import { formatDuration } from '../format.js';

export interface WrittenReport {
  readonly markdownPath: string;
  readonly htmlPath: string;
  /** Every figure file written (SVG and PNG). */
  readonly figures: readonly string[];
  /** Table 2 (mean ± spread over seeds) and the run status table, as Markdown for a terminal. */
  readonly table: string;
  readonly runs: readonly PlotRun[];
  /** Planned runs with no summary yet (an experiment still running, or runs that failed to start). */
  readonly missing: readonly string[];
}

function statusCell(summary: RunSummary): string {
  if (summary.status === 'diverged') {
    return `**diverged** at step ${summary.diverged?.step ?? summary.stepsCompleted}${summary.diverged === undefined ? '' : ` (${summary.diverged.reason})`}`;
  }
  if (summary.status === 'running' || summary.status === 'stopped') return 'interrupted (resume with --resume)';
  return summary.status;
}

/** One row per run: status (diverged runs say where and why), steps, final eval, time, backend. */
export function runStatusTable(summaries: readonly RunSummary[]): ReportTable {
  const rank = (summary: RunSummary): number => {
    const index = experimentConfigurations.findIndex((configuration) => configuration.id === summary.configuration);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  const rows = [...summaries]
    .sort((a, b) => rank(a) - rank(b) || a.seed - b.seed)
    .map((summary) => {
      const evalLog = summary.status === 'diverged' ? undefined : summary.finalEval;
      return [
        `${summary.label} seed ${summary.seed}`,
        statusCell(summary),
        `${summary.stepsCompleted}/${summary.training.steps}`,
        evalLog?.loss.toFixed(4) ?? '—',
        evalLog?.perplexity.toFixed(3) ?? '—',
        formatDuration(summary.wallSeconds),
        summary.backend,
      ];
    });
  return {
    columns: [
      { header: 'Run' },
      { header: 'Status' },
      { header: 'Steps', align: 'right' },
      { header: 'Eval loss', align: 'right' },
      { header: 'Eval PPL', align: 'right' },
      { header: 'Wall time', align: 'right' },
      { header: 'Backend' },
    ],
    rows,
  };
}

/** Read run folders; a damaged file is the user's data, not a bug: the message names the file and line. */
async function readRuns(runDirs: readonly string[]): Promise<RunData[]> {
  try {
    return await Promise.all(runDirs.map((runDir) => readRunDirectory(runDir)));
  } catch (error) {
    throw new ExperimentInputError(errorMessage(error));
  }
}

/** Read every run of the experiment folder `dir`, write the figures and the report into it. */
export async function writeExperimentReport(options: { dir: string }): Promise<WrittenReport> {
  const { dir } = options;
  const manifest = await readManifest(dir);
  if (manifest === undefined)
    throw new ExperimentInputError(`'${dir}' holds no ${manifestFileName}; it is not a normfree experiment folder`);
  const folders = await listRunFolders(dir);
  if (folders.length === 0) throw new ExperimentInputError(`'${dir}' holds no runs yet (no <run>/summary.json)`);
  const present = new Set(folders.map((folder) => basename(folder)));
  // The plan names the runs (a run whose activation is overridden has its own id); folders made
  // before plans were written: the manifest's configurations × seeds.
  const plan = await readPlan(dir).catch(() => undefined);
  const planned =
    plan?.runs.map((run) => run.runId) ??
    manifest.configurations.flatMap((configuration) => manifest.seeds.map((seed) => runId(configuration, seed)));
  return assembleReport(
    dir,
    await readRuns(folders),
    manifest,
    planned.filter((id) => !present.has(id)),
  );
}

/**
 * A report over run folders that belong to no experiment (e.g. several `normfree train` runs), or
 * over the runs of several experiments: figures, report.md and report.html go to `outDir`.
 * Each of `dirs` is a run folder (with summary.json) or an experiment folder (all its runs).
 */
export async function writeRunsReport(options: { dirs: readonly string[]; outDir: string }): Promise<WrittenReport> {
  const runDirs: string[] = [];
  const manifests: (RunnerManifest | undefined)[] = [];
  for (const dir of options.dirs) {
    const kind = await folderKind(dir);
    if (kind === 'missing') throw new ExperimentInputError(`'${dir}' does not exist`);
    if (kind === 'experiment') {
      runDirs.push(...(await listRunFolders(dir)));
      manifests.push(await readManifest(dir));
    } else if (kind === 'run') {
      runDirs.push(dir);
      manifests.push(undefined);
    } else {
      throw new ExperimentInputError(
        `'${dir}' is neither a run folder (no summary.json) nor an experiment folder (no ${manifestFileName})`,
      );
    }
  }
  if (runDirs.length === 0)
    throw new ExperimentInputError(
      `${options.dirs.map((dir) => `'${dir}'`).join(', ')} hold no finished or running runs (no summary.json)`,
    );
  const data = await readRuns(runDirs);
  const seen = new Map<string, string>();
  data.forEach((run, index) => {
    const key = runId(run.summary.configuration, run.summary.seed);
    const other = seen.get(key);
    if (other !== undefined)
      throw new ExperimentInputError(
        `${other} and ${runDirs[index]} are both ${key}: a report compares different configurations or seeds`,
      );
    seen.set(key, runDirs[index]!);
  });
  return assembleReport(options.outDir, data, mergedManifest(manifests), []);
}

/**
 * Experiments that differ only in configurations and seeds (e.g. one per seed) report as one: the
 * report then names their preset (and, for `laptop`, compares with the PyTorch reference).
 * Anything else (a bare run folder, another preset or other overrides) gives no manifest.
 */
function mergedManifest(manifests: readonly (RunnerManifest | undefined)[]): RunnerManifest | undefined {
  const [first, ...rest] = manifests;
  if (first === undefined) return undefined;
  const identity = (manifest: RunnerManifest): string =>
    JSON.stringify([
      manifest.preset,
      manifest.corpus,
      manifest.tokenizer,
      manifest.overrides,
      manifest.activationModules ?? [],
    ]);
  if (!rest.every((manifest) => manifest !== undefined && identity(manifest) === identity(first))) return undefined;
  const all = manifests as readonly RunnerManifest[];
  return {
    ...first,
    configurations: [...new Set(all.flatMap((manifest) => manifest.configurations))],
    seeds: [...new Set(all.flatMap((manifest) => manifest.seeds))].sort((a, b) => a - b),
  };
}

async function assembleReport(
  dir: string,
  data: readonly RunData[],
  manifest: ExperimentManifest | undefined,
  missing: readonly string[],
): Promise<WrittenReport> {
  const summaries = data.map((run) => run.summary);
  const runs = sortRuns(data.map(plotRunFromRunData));
  const preset = (() => {
    try {
      return manifest === undefined ? undefined : getPreset(manifest.preset);
    } catch {
      return undefined; // a preset this version does not know: report without its notes
    }
  })();
  const statusTable = runStatusTable(summaries);
  const sections: ReportSection[] = [{ title: 'Runs', table: statusTable }];
  if (missing.length > 0) {
    sections.push({
      title: 'Missing runs',
      text: `${missing.length} planned run${missing.length === 1 ? ' has' : 's have'} no results yet, so the tables and figures leave ${missing.length === 1 ? 'it' : 'them'} out: ${missing.join(', ')}. Rebuild this report when ${missing.length === 1 ? 'it has' : 'they have'} run (\`normfree status\` shows where each run stands).`,
    });
  }
  const written = await writeReport(dir, {
    runs,
    ...definedFields({ manifest, preset }),
    sections,
  });
  const table = `${perplexityTableMarkdown(perplexityTable(runs))}\n\n${markdownTable(statusTable)}`;
  return {
    markdownPath: written.markdownPath,
    htmlPath: written.htmlPath,
    figures: written.figureFiles,
    table,
    runs,
    missing,
  };
}
