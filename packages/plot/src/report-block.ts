/**
 * The pieces report.ts assembles: a figure the caller hands in and the document blocks, each
 * rendered once to Markdown and once to HTML (a file of its own so the report's sections can live in
 * their own files without importing report.ts back).
 */
import type { ReportTable } from './report-table.js';

/** A figure to show: `svg` is inlined in the HTML, `pngFile` (a path relative to the report) linked in Markdown. */
export interface ReportFigure {
  readonly title: string;
  readonly svg?: string;
  readonly pngFile?: string;
}

/** A document block, rendered once to Markdown and once to HTML. Inline text may use `**bold**` and `code` spans. */
export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'table'; readonly table: ReportTable }
  | { readonly kind: 'figure'; readonly figure: ReportFigure };
