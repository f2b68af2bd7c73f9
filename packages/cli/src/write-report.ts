/**
 * Figures, report.md and report.html of an experiment folder, rebuilt from its run folders' logs
 * (the same code path after `reproduce` and for `normfree report <dir>`).
 */
import { join } from 'node:path';
import { experimentConfigurations, getPreset, type RunSummary } from '@normfree/core';
import { perplexityTable, perplexityTableMarkdown, plotRunFromRunData, sortRuns, type PlotRun } from '@normfree/plot';
import { writeFigures } from '@normfree/plot/node';
import { writeFileAtomic } from './atomic-write.js';
import { UsageError } from './errors.js';
import { manifestFileName, readManifest } from './experiment-directory.js';
import type { CliExperimentManifest } from './experiment-plan.js';
import { formatDuration } from './progress.js';
import { listRunFolders, readRunData } from './read-run-data.js';

/** One line per run: status (diverged runs say where and why), steps, final eval, time, backend. */
export function runStatusMarkdown(summaries: readonly RunSummary[]): string {
  const order = (summary: RunSummary): number => {
    const rank = experimentConfigurations.findIndex((configuration) => configuration.id === summary.configuration);
    return rank < 0 ? Number.MAX_SAFE_INTEGER : rank;
  };
  const sorted = [...summaries].sort((a, b) => order(a) - order(b) || a.seed - b.seed);
  const lines = ['| Run | Status | Steps | Eval loss | Eval PPL | Wall time | Backend |', '|---|---|---:|---:|---:|---:|---|'];
  for (const summary of sorted) {
    const status =
      summary.status === 'diverged'
        ? `**diverged** at step ${summary.diverged?.step ?? summary.stepsCompleted}${summary.diverged === undefined ? '' : ` (${summary.diverged.reason})`}`
        : summary.status;
    const evalLog = summary.status === 'diverged' ? undefined : summary.finalEval;
    lines.push(
      `| ${summary.label} seed ${summary.seed} | ${status} | ${summary.stepsCompleted}/${summary.training.steps} | ${evalLog?.loss.toFixed(4) ?? '—'} | ${evalLog?.perplexity.toFixed(3) ?? '—'} | ${formatDuration(summary.wallSeconds)} | ${summary.backend} |`,
    );
  }
  return lines.join('\n');
}

export interface WrittenReport {
  readonly markdownPath: string;
  readonly htmlPath: string;
  /** Every figure file written (SVG and PNG). */
  readonly figures: readonly string[];
  /** The results table as Markdown (mean ± spread over seeds). */
  readonly table: string;
  readonly runs: readonly PlotRun[];
}

/** Read every run of `dir`, write the figures and the report; returns what was written. */
export async function writeExperimentReport(options: { dir: string }): Promise<WrittenReport> {
  const { dir } = options;
  const manifest = await readManifest(dir);
  if (manifest === undefined) throw new UsageError(`'${dir}' holds no ${manifestFileName}; it is not a normfree experiment folder`);
  const folders = await listRunFolders(dir);
  if (folders.length === 0) throw new UsageError(`'${dir}' holds no finished or interrupted runs (no <run>/summary.json)`);
  const data = await Promise.all(folders.map((folder) => readRunData(join(dir, folder))));
  const runs = sortRuns(data.map(plotRunFromRunData));
  const figures = await writeFigures(dir, runs);
  const table = `${perplexityTableMarkdown(perplexityTable(runs))}\n\n${runStatusMarkdown(data.map((run) => run.summary))}`;
  const { markdown, html } = buildExperimentReport(manifest, runs, table, figures.figures.map((figure) => ({ id: figure.id, title: figure.title, svg: figure.svg })));
  const markdownPath = join(dir, 'report.md');
  const htmlPath = join(dir, 'report.html');
  await writeFileAtomic(markdownPath, markdown);
  await writeFileAtomic(htmlPath, html);
  return { markdownPath, htmlPath, figures: figures.files, table, runs };
}

function buildExperimentReport(
  manifest: CliExperimentManifest,
  runs: readonly PlotRun[],
  table: string,
  figures: readonly { id: string; title: string; svg: string }[],
): { markdown: string; html: string } {
  const conclusive = (() => {
    try {
      return getPreset(manifest.preset).conclusive;
    } catch {
      return true;
    }
  })();
  const lines = [
    `# normfree experiment: preset ${manifest.preset}`,
    '',
    `Configurations ${manifest.configurations.join(', ')}; seeds ${manifest.seeds.join(', ')}; ${runs.length} runs.`,
    ...(conclusive ? [] : ['', `> Preset '${manifest.preset}' is too small for the paper's effect to show reliably.`]),
    '',
    table,
    '',
    ...figures.flatMap((figure) => [`## ${figure.title}`, '', `![${figure.title}](${figure.id}.svg)`, '']),
  ];
  const markdown = `${lines.join('\n')}\n`;
  const html = `<!doctype html><meta charset="utf-8"><title>normfree ${manifest.preset}</title><pre>${markdown.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`;
  return { markdown, html };
}
