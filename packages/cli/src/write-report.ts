/**
 * Figures, report.md and report.html of an experiment folder, rebuilt from its run folders' logs
 * (the same code path after `reproduce` and for `normfree report <dir>`). Reading is
 * @normfree/trainer's `readRunDirectory`; figures and text are @normfree/plot's. This module adds
 * one table of its own: every run with its status, so a diverged run is named as such.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { experimentConfigurations, getPreset, type ExperimentManifest, type RunData, type RunSummary } from '@normfree/core';
import { buildReport, escapeHtml, perplexityTable, perplexityTableMarkdown, plotRunFromRunData, sortRuns, type PlotRun } from '@normfree/plot';
import { writeFigures } from '@normfree/plot/node';
import { readRunDirectory } from '@normfree/trainer/node';
import { writeFileAtomic } from '@normfree/core/node';
import { UsageError, errorMessage } from './errors.js';
import { manifestFileName, readManifest } from './experiment-directory.js';
import { runId, type CliExperimentManifest } from './experiment-plan.js';
import { formatDuration } from './progress.js';

export interface WrittenReport {
  readonly markdownPath: string;
  readonly htmlPath: string;
  /** Every figure file written (SVG and PNG). */
  readonly figures: readonly string[];
  /** Table 2 (mean ± spread over seeds) and the run status table, as Markdown for the terminal. */
  readonly table: string;
  readonly runs: readonly PlotRun[];
}

function statusCell(summary: RunSummary): string {
  if (summary.status === 'diverged') {
    return `**diverged** at step ${summary.diverged?.step ?? summary.stepsCompleted}${summary.diverged === undefined ? '' : ` (${summary.diverged.reason})`}`;
  }
  if (summary.status === 'running') return 'interrupted (resume with --resume)';
  return summary.status;
}

function runStatusRows(summaries: readonly RunSummary[]): string[][] {
  const rank = (summary: RunSummary): number => {
    const index = experimentConfigurations.findIndex((configuration) => configuration.id === summary.configuration);
    return index < 0 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...summaries]
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
}

const runStatusHeader = ['Run', 'Status', 'Steps', 'Eval loss', 'Eval PPL', 'Wall time', 'Backend'];

/** One line per run: status (diverged runs say where and why), steps, final eval, time, backend. */
export function runStatusMarkdown(summaries: readonly RunSummary[]): string {
  return [`| ${runStatusHeader.join(' | ')} |`, '|---|---|---:|---:|---:|---:|---|', ...runStatusRows(summaries).map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function runStatusHtml(summaries: readonly RunSummary[]): string {
  const cell = (text: string, tag: 'td' | 'th'): string => `<${tag}>${escapeHtml(text).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')}</${tag}>`;
  const head = `<tr>${runStatusHeader.map((text) => cell(text, 'th')).join('')}</tr>`;
  const body = runStatusRows(summaries).map((row) => `<tr>${row.map((text) => cell(text, 'td')).join('')}</tr>`).join('\n');
  return `<h2>Runs</h2>\n<table>\n${head}\n${body}\n</table>\n`;
}

/** Run folders (with a summary.json) of an experiment folder, sorted by name. */
async function runFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() && (await readdir(join(dir, entry.name))).includes('summary.json')) folders.push(entry.name);
  }
  return folders.sort();
}

/** Read run folders; a damaged file is the user's data, not a bug: the message names the file and line. */
async function readRuns(runDirs: readonly string[]): Promise<RunData[]> {
  try {
    return await Promise.all(runDirs.map((runDir) => readRunDirectory(runDir)));
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
}

/** Read every run of the experiment folder `dir`, write the figures and the report into it; returns what was written. */
export async function writeExperimentReport(options: { dir: string }): Promise<WrittenReport> {
  const { dir } = options;
  const manifest = await readManifest(dir);
  if (manifest === undefined) throw new UsageError(`'${dir}' holds no ${manifestFileName}; it is not a normfree experiment folder`);
  const folders = await runFolders(dir);
  if (folders.length === 0) throw new UsageError(`'${dir}' holds no runs yet (no <run>/summary.json)`);
  return writeReport(dir, await readRuns(folders.map((folder) => join(dir, folder))), manifest);
}

/**
 * A report over run folders that belong to no experiment (e.g. several `normfree train` runs), or
 * over the runs of several experiments: figures, report.md and report.html go to `outDir`.
 * Each of `dirs` is a run folder (with summary.json) or an experiment folder (all its runs).
 */
export async function writeRunsReport(options: { dirs: readonly string[]; outDir: string }): Promise<WrittenReport> {
  const runDirs: string[] = [];
  const manifests: (CliExperimentManifest | undefined)[] = [];
  for (const dir of options.dirs) {
    const names = await readdir(dir).catch(() => {
      throw new UsageError(`'${dir}' does not exist or is not a folder`);
    });
    if (names.includes('summary.json')) {
      runDirs.push(dir);
      manifests.push(undefined);
    } else if (names.includes(manifestFileName)) {
      runDirs.push(...(await runFolders(dir)).map((folder) => join(dir, folder)));
      manifests.push(await readManifest(dir));
    } else {
      throw new UsageError(`'${dir}' is neither a run folder (no summary.json) nor an experiment folder (no ${manifestFileName})`);
    }
  }
  if (runDirs.length === 0) throw new UsageError(`${options.dirs.map((dir) => `'${dir}'`).join(', ')} hold no finished or running runs (no summary.json)`);
  const data = await readRuns(runDirs);
  const seen = new Map<string, string>();
  data.forEach((run, index) => {
    const key = runId(run.summary.configuration, run.summary.seed);
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(`${other} and ${runDirs[index]} are both ${key}: a report compares different configurations or seeds`);
    seen.set(key, runDirs[index]!);
  });
  return writeReport(options.outDir, data, mergedManifest(manifests));
}

/**
 * Experiments that differ only in configurations and seeds (e.g. one per seed) report as one: the
 * report then names their preset (and, for `laptop`, compares with the PyTorch reference).
 * Anything else (a bare run folder, another preset or other overrides) gives no manifest.
 */
function mergedManifest(manifests: readonly (CliExperimentManifest | undefined)[]): CliExperimentManifest | undefined {
  const [first, ...rest] = manifests;
  if (first === undefined) return undefined;
  const identity = (manifest: CliExperimentManifest): string => JSON.stringify([manifest.preset, manifest.corpus, manifest.tokenizer, manifest.overrides]);
  if (!rest.every((manifest) => manifest !== undefined && identity(manifest) === identity(first))) return undefined;
  const all = manifests as readonly CliExperimentManifest[];
  return {
    ...first,
    configurations: [...new Set(all.flatMap((manifest) => manifest.configurations))],
    seeds: [...new Set(all.flatMap((manifest) => manifest.seeds))].sort((a, b) => a - b),
  };
}

async function writeReport(dir: string, data: readonly RunData[], manifest: ExperimentManifest | undefined): Promise<WrittenReport> {
  const summaries = data.map((run) => run.summary);
  const runs = sortRuns(data.map(plotRunFromRunData));
  const written = await writeFigures(dir, runs);
  const preset = (() => {
    try {
      return manifest === undefined ? undefined : getPreset(manifest.preset);
    } catch {
      return undefined;
    }
  })();
  const report = buildReport({
    runs,
    ...(manifest === undefined ? {} : { manifest }),
    ...(preset === undefined ? {} : { preset }),
    figures: written.figures.map((figure) => ({ title: figure.title, svg: figure.svg, ...(figure.pngFile === undefined ? {} : { pngFile: basename(figure.pngFile) }) })),
  });
  const markdown = `${report.markdown.trimEnd()}\n\n## Runs\n\n${runStatusMarkdown(summaries)}\n`;
  const html = report.html.includes('</body>') ? report.html.replace('</body>', `${runStatusHtml(summaries)}</body>`) : `${report.html}\n${runStatusHtml(summaries)}`;
  const markdownPath = join(dir, 'report.md');
  const htmlPath = join(dir, 'report.html');
  await writeFileAtomic(markdownPath, markdown);
  await writeFileAtomic(htmlPath, html);
  const table = `${perplexityTableMarkdown(perplexityTable(runs))}\n\n${runStatusMarkdown(summaries)}`;
  return { markdownPath, htmlPath, figures: written.files, table, runs };
}
