import { describe, expect, it } from 'vitest';
import { inlineMarkdownToHtml } from './html.js';
import { htmlTable, markdownTable, type ReportTable } from './report-table.js';

const runs: ReportTable = {
  columns: [{ header: 'Run' }, { header: 'Status' }, { header: 'Eval PPL', align: 'right' }],
  rows: [
    ['SM+G seed 1337', '**diverged** at step 40 (loss NaN)', '—'],
    ['SM+R seed 1337', 'completed', '63.110'],
  ],
};

describe('markdownTable', () => {
  it('writes a GitHub table with one rule cell per column, `---:` for right-aligned columns', () => {
    expect(markdownTable(runs)).toBe(
      [
        '| Run | Status | Eval PPL |',
        '|---|---|---:|',
        '| SM+G seed 1337 | **diverged** at step 40 (loss NaN) | — |',
        '| SM+R seed 1337 | completed | 63.110 |',
      ].join('\n'),
    );
  });

  it('escapes `|` and puts a multi-line cell on one line, so a cell cannot split the row', () => {
    const table = markdownTable({ columns: [{ header: 'a|b' }], rows: [['x | y\nz']] });
    expect(table.split('\n')).toEqual(['| a\\|b |', '|---|', '| x \\| y z |']);
  });

  it('throws naming the row and both counts when a row has the wrong number of cells', () => {
    expect(() => markdownTable({ columns: [{ header: 'A' }, { header: 'B' }], rows: [['1', '2'], ['3']] })).toThrow(
      'table row 2 has 1 cells, but the table has 2 columns (A, B)',
    );
  });
});

describe('htmlTable', () => {
  it('escapes text, turns **bold** into <strong>, and right-aligns only right-aligned columns', () => {
    const html = htmlTable({
      columns: [{ header: '<Run>' }, { header: 'PPL', align: 'right' }],
      rows: [['**SM+G** <script>', '1 & 2']],
    });
    expect(html).toContain('<th>&lt;Run&gt;</th><th style="text-align: right">PPL</th>');
    expect(html).toContain('<td><strong>SM+G</strong> &lt;script&gt;</td><td style="text-align: right">1 &amp; 2</td>');
    expect(html).not.toContain('<script>');
  });

  it('has one <tr> per row plus the header row', () => {
    const html = htmlTable(runs);
    expect(html.match(/<tr>/g)).toHaveLength(runs.rows.length + 1);
    expect(html).toContain('<strong>diverged</strong> at step 40');
  });
});

describe('inlineMarkdownToHtml', () => {
  it('reads bold before emphasis and escapes before adding tags', () => {
    expect(inlineMarkdownToHtml('**a** *b* `c<d>`')).toBe('<strong>a</strong> <em>b</em> <code>c&lt;d&gt;</code>');
  });
});
