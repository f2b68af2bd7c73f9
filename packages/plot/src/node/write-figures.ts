/**
 * Write every figure the runs have data for as SVG and PNG, atomically.
 */
import { join } from 'node:path';
import { paperFigures, type FigureId, type PaperFiguresOptions } from '../paper-figures.js';
import type { PlotRun } from '../plot-run.js';
import { writeFileAtomic } from '@normfree/core/node';
import { renderPng, renderSvg } from './render.js';

export interface WriteFiguresOptions extends PaperFiguresOptions {
  /** PNG pixel density (default 2). */
  readonly scale?: number;
  /** Skip the PNGs (default false). */
  readonly svgOnly?: boolean;
  /** Called after each figure, e.g. for a progress bar. */
  readonly onFigure?: (figure: WrittenFigure, index: number, total: number) => void;
}

/** One written figure. */
export interface WrittenFigure {
  readonly id: FigureId;
  readonly title: string;
  /** Absolute or dir-relative paths as given by `dir`. */
  readonly svgFile: string;
  readonly pngFile: string | undefined;
  /** The SVG text (for inlining in report.html). */
  readonly svg: string;
  /** Milliseconds spent compiling and rendering this figure (SVG and PNG). */
  readonly renderMs: number;
}

/**
 * Render the runs' figures into `dir` as `<id>.svg` and `<id>.png`.
 * @returns one entry per figure, in paper order; `files` lists every path written.
 */
export async function writeFigures(
  dir: string,
  runs: readonly PlotRun[],
  options: WriteFiguresOptions = {},
): Promise<{ figures: WrittenFigure[]; files: string[] }> {
  const planned = paperFigures(runs, options);
  const figures: WrittenFigure[] = [];
  const files: string[] = [];
  for (const [index, figure] of planned.entries()) {
    const started = performance.now();
    const svg = await renderSvg(figure.spec);
    const png = options.svgOnly === true ? undefined : await renderPng(svg, { scale: options.scale ?? 2 });
    const renderMs = performance.now() - started;
    const svgFile = join(dir, `${figure.id}.svg`);
    await writeFileAtomic(svgFile, svg);
    files.push(svgFile);
    let pngFile: string | undefined;
    if (png !== undefined) {
      pngFile = join(dir, `${figure.id}.png`);
      await writeFileAtomic(pngFile, png);
      files.push(pngFile);
    }
    const written = { id: figure.id, title: figure.title, svgFile, pngFile, svg, renderMs };
    figures.push(written);
    options.onFigure?.(written, index, planned.length);
  }
  return { figures, files };
}
