/**
 * A report table as data, and its two renderings: a GitHub Markdown table and an HTML `<table>`.
 * Every table of the report (Table 2, the headline numbers, the `laptop` reference, a caller's
 * sections) goes through these two functions, so the Markdown and the HTML page cannot disagree.
 *
 * Cells may use the report's inline Markdown (`**bold**`, `` `code` ``, `*emphasis*`): Markdown keeps it
 * as written, HTML turns it into tags after escaping the text.
 */
import { inlineMarkdownToHtml } from './html.js';

/** One column: its header and how its cells are aligned (default `'left'`). */
export interface ReportTableColumn {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

/** A table: columns and rows of cell text (each row has one cell per column). */
export interface ReportTable {
  readonly columns: readonly ReportTableColumn[];
  readonly rows: readonly (readonly string[])[];
}

/** Throw a RangeError naming the row and both counts when a row does not have one cell per column. */
function checkShape(table: ReportTable): void {
  table.rows.forEach((row, index) => {
    if (row.length !== table.columns.length) {
      throw new RangeError(
        `table row ${index + 1} has ${row.length} cells, but the table has ${table.columns.length} columns (${table.columns.map((column) => column.header).join(', ')})`,
      );
    }
  });
}

/**
 * A GitHub Markdown table: `|` in cells escaped as `\|`, line breaks turned into spaces (a Markdown
 * row is one line), inline Markdown such as `**bold**` kept as written.
 * @example
 * markdownTable({ columns: [{ header: 'Run' }, { header: 'PPL', align: 'right' }], rows: [['SM+R', '63.11']] });
 * // '| Run | PPL |\n|---|---:|\n| SM+R | 63.11 |'
 */
export function markdownTable(table: ReportTable): string {
  checkShape(table);
  const cell = (text: string) => text.replaceAll(/\r?\n/g, ' ').replaceAll('|', '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${table.columns.map((column) => (column.align === 'right' ? '---:' : '---')).join('|')}|`;
  return [line(table.columns.map((column) => column.header)), rule, ...table.rows.map(line)].join('\n');
}

/**
 * An HTML `<table>` with a `<thead>` and a `<tbody>`: text escaped, then inline Markdown turned into
 * `<strong>`, `<code>` and `<em>`; right-aligned columns carry `style="text-align: right"` on every
 * cell, so the table reads the same outside the report's style sheet.
 */
export function htmlTable(table: ReportTable): string {
  checkShape(table);
  const cell = (text: string, index: number, tag: 'th' | 'td') => {
    const align = table.columns[index]?.align === 'right' ? ' style="text-align: right"' : '';
    return `<${tag}${align}>${inlineMarkdownToHtml(text)}</${tag}>`;
  };
  const row = (cells: readonly string[], tag: 'th' | 'td') =>
    `<tr>${cells.map((text, index) => cell(text, index, tag)).join('')}</tr>`;
  const head = row(
    table.columns.map((column) => column.header),
    'th',
  );
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${table.rows.map((cells) => row(cells, 'td')).join('\n')}\n</tbody>\n</table>`;
}
