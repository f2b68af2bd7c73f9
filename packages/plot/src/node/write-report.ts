/**
 * Write report.md and report.html next to the figures, atomically.
 */
import { dirname, join, relative, sep } from 'node:path';
import type { ExperimentManifest } from '@normfree/core';
import type { PlotRun } from '../plot-run.js';
import { buildReport, type Report, type ReportPreset } from '../report.js';
import { writeFileAtomic } from '@normfree/core/node';
import type { WrittenFigure } from './write-figures.js';

export interface WriteReportInput {
  readonly runs: readonly PlotRun[];
  readonly manifest?: ExperimentManifest;
  readonly preset?: ReportPreset;
  /** Figures from {@link writeFigures}: PNGs are linked relative to the report, SVGs inlined. */
  readonly figures: readonly WrittenFigure[];
  readonly title?: string;
}

/**
 * Build the report and write `<dir>/report.md` and `<dir>/report.html`.
 * @returns the report and the two paths written.
 */
export async function writeReport(dir: string, input: WriteReportInput): Promise<{ report: Report; files: string[] }> {
  const markdownFile = join(dir, 'report.md');
  const htmlFile = join(dir, 'report.html');
  const report = buildReport({
    runs: input.runs,
    ...(input.manifest === undefined ? {} : { manifest: input.manifest }),
    ...(input.preset === undefined ? {} : { preset: input.preset }),
    ...(input.title === undefined ? {} : { title: input.title }),
    figures: input.figures.map((figure) => ({
      title: figure.title,
      svg: figure.svg,
      // Markdown links use forward slashes on every platform.
      ...(figure.pngFile === undefined ? {} : { pngFile: relative(dirname(markdownFile), figure.pngFile).split(sep).join('/') }),
    })),
  });
  await writeFileAtomic(markdownFile, report.markdown);
  await writeFileAtomic(htmlFile, report.html);
  return { report, files: [markdownFile, htmlFile] };
}
