/**
 * The one report writer: draws the figures, builds the report and writes `report.md` and
 * `report.html`, all atomically. Callers (the experiment's `normfree report`, `normfree plot-authors`)
 * only assemble runs, the manifest and their own sections; nothing patches the report afterwards.
 */
import { dirname, join, relative, sep } from 'node:path';
import { writeFileAtomic } from '@normfree/core/node';
import { buildReport, type Report, type ReportInput } from '../report.js';
import { writeFigures } from './write-figures.js';

/** What {@link writeReport} needs: {@link ReportInput} without `figures`, which it draws itself. */
export type WriteReportInput = Omit<ReportInput, 'figures'>;

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  readonly report: Report;
  readonly markdownPath: string;
  readonly htmlPath: string;
  /** Every figure file written (SVG and PNG), in paper order. */
  readonly figureFiles: string[];
}

/**
 * Draw every figure the runs have data for into `dir` ({@link writeFigures}), then build the report
 * and write `<dir>/report.md` (PNGs linked relative to it) and `<dir>/report.html` (SVGs inlined).
 * @param dir - output folder (created if missing); files of the same names are replaced.
 * @param input - runs, and optionally manifest, preset, title and extra sections.
 * @returns the report, the two paths and the figure files written.
 * @example
 * const { markdownPath } = await writeReport('out', { runs, manifest, preset: getPreset('laptop'), sections: [{ title: 'Runs', table }] });
 */
export async function writeReport(dir: string, input: WriteReportInput): Promise<WrittenReport> {
  const markdownPath = join(dir, 'report.md');
  const htmlPath = join(dir, 'report.html');
  const written = await writeFigures(dir, input.runs);
  const report = buildReport({
    ...input,
    figures: written.figures.map((figure) => ({
      title: figure.title,
      svg: figure.svg,
      // Markdown links use forward slashes on every platform.
      ...(figure.pngFile === undefined
        ? {}
        : { pngFile: relative(dirname(markdownPath), figure.pngFile).split(sep).join('/') }),
    })),
  });
  await writeFileAtomic(markdownPath, report.markdown);
  await writeFileAtomic(htmlPath, report.html);
  return { report, markdownPath, htmlPath, figureFiles: written.files };
}
