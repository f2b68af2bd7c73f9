import { describe, expect, it } from 'vitest';
import type { PlotRun } from './plot-run.js';
import { buildReport } from './report.js';
import { paperExampleRuns } from './testing/index.js';

/** The example runs with their final perplexities replaced. */
function withPerplexities(perplexities: Record<string, number>): PlotRun[] {
  return paperExampleRuns().map((run) => {
    const perplexity = perplexities[run.configuration]!;
    return { ...run, finalEval: { type: 'eval', step: 8000, loss: Math.log(perplexity), perplexity, windows: 64 } };
  });
}

/** SM+R and SM+G head matrices swapped: LN-free ReLU now has the overloaded heads. */
function swappedEntropy(runs: PlotRun[]): PlotRun[] {
  const gelu = runs.find((run) => run.configuration === 'sm-g')!;
  const relu = runs.find((run) => run.configuration === 'sm-r')!;
  return runs.map((run) =>
    run === gelu ? { ...run, finalEntropy: relu.finalEntropy! } : run === relu ? { ...run, finalEntropy: gelu.finalEntropy! } : run,
  );
}

const conclusive = { name: 'laptop', conclusive: true, description: '4 layers, 1,200 steps' };

describe('buildReport', () => {
  it('says plainly that the paper\'s ordering held, with our numbers next to the paper\'s', () => {
    const { markdown, comparison } = buildReport({ runs: withPerplexities({ 'sm-ln-g': 64.9, 'sm-ln-r': 61.1, 'sm-g': 119.9, 'sm-r': 82.7 }), preset: conclusive, figures: [] });
    expect(comparison.reluBeatsGelu.status).toBe('held');
    expect(comparison.entropicOverload.status).toBe('held');
    expect(comparison.baselinesBeatNormFree.status).toBe('held');
    expect(markdown).toContain("**In short: the paper's ordering held** for all 3 tested orderings.");
    expect(markdown).toContain('(1) LN-free ReLU beats LN-free GELU (PPL SM+R < SM+G): **HELD**');
    // 8.2 % headline: ours (119.9 − 82.7)/119.9 = 31.0 %.
    expect(markdown).toContain('| LN-free ReLU over GELU: (PPL_SM+G − PPL_SM+R)/PPL_SM+G | 31.0 % | 8.2 % |');
    expect(markdown).toContain('| SM+G heads in [3Max/4, Max] | 57.6 % | 58 % |');
    expect(markdown).toContain('| SM+G | 119.90 | +84.75 | 1337 | 3.197 | 18.92 |');
    expect(markdown).toContain('**not comparable**');
  });

  it('says plainly when the ordering did not hold', () => {
    const runs = swappedEntropy(withPerplexities({ 'sm-ln-g': 90, 'sm-ln-r': 95, 'sm-g': 80, 'sm-r': 85 }));
    const { markdown, comparison } = buildReport({ runs, preset: conclusive, figures: [] });
    expect(comparison.reluBeatsGelu.status).toBe('did not hold');
    expect(comparison.entropicOverload.status).toBe('did not hold');
    expect(comparison.baselinesBeatNormFree.status).toBe('did not hold');
    expect(markdown).toContain("**In short: the paper's ordering did not hold**");
    expect(markdown).toContain('(2) LN-free GELU has more heads in the top entropy bin than LN-free ReLU (entropic overload): **DID NOT HOLD**. 22.2 % of SM+G heads vs 57.6 % of SM+R heads');
  });

  it('says "held only in part" for a mixed result and "not tested" for missing data', () => {
    const runs = withPerplexities({ 'sm-ln-g': 90, 'sm-ln-r': 95, 'sm-g': 100, 'sm-r': 120 }).filter((run) => run.configuration !== 'sm-ln-r');
    const { markdown, comparison } = buildReport({ runs: runs.map(({ finalEntropy: _dropped, ...run }) => run), figures: [] });
    expect(comparison.reluBeatsGelu.status).toBe('did not hold');
    expect(comparison.entropicOverload.status).toBe('not tested');
    expect(comparison.baselinesBeatNormFree.status).toBe('held');
    expect(markdown).toContain('held only in part**: 1 of 2 tested orderings held');
    expect(markdown).toContain('(1 of the four configurations missing)');
  });

  it('flags a preset that is not conclusive and diverged runs', () => {
    const runs = paperExampleRuns({ extras: true });
    const { markdown, html } = buildReport({ runs, preset: { name: 'quick', conclusive: false, description: 'about 10 minutes' }, figures: [] });
    expect(markdown).toContain('**Preset `quick` is marked not conclusive**');
    expect(markdown).toContain('**SM+LR(0.1) (seed 1337) diverged** at step 8000');
    expect(markdown).toContain('(but this preset is not conclusive)');
    expect(html).toContain('<strong>Preset <code>quick</code> is marked not conclusive</strong>');
  });

  it('compares a laptop run with the PyTorch reference of the authors\' code', () => {
    const runs = withPerplexities({ 'sm-ln-g': 64.9 * 1.1, 'sm-ln-r': 61.1 * 1.1, 'sm-g': 119.9 * 0.9, 'sm-r': 82.7 * 1.1 });
    const { markdown } = buildReport({ runs, manifest: { version: 1, kind: 'normfree-experiment', preset: 'laptop', configurations: [], seeds: [1337], createdAt: '2026-01-01T00:00:00Z', corpus: 'cpython-stdlib', tokenizer: 'default-4096' }, figures: [] });
    expect(markdown).toContain("## The `laptop` preset against the authors' code");
    expect(markdown).toContain('| SM+G | 107.91 | 119.9 | −10.0 % |');
    expect(markdown).toContain('differ from the PyTorch reference by 10.0 % on average (largest difference 10.0 %');
    expect(markdown).toContain('(the same order)');
    expect(markdown).toContain('Corpus cpython-stdlib, tokenizer default-4096');
    expect(buildReport({ runs, preset: conclusive, figures: [] }).markdown).toContain('PyTorch reference');
    expect(buildReport({ runs, preset: { ...conclusive, name: 'quick' }, figures: [] }).markdown).not.toContain('PyTorch reference');
  });

  it('draws the caller\'s sections after its own, in both report.md and report.html', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>';
    const runsTable = {
      columns: [{ header: 'Run' }, { header: 'Status' }, { header: 'Eval PPL', align: 'right' as const }],
      rows: [['SM+G seed 1337', '**diverged** at step 40 (loss <NaN>)', '—'], ['SM+R seed 1337', 'completed', '63.110']],
    };
    const { markdown, html } = buildReport({
      runs: paperExampleRuns(),
      figures: [{ title: 'Figure 1', svg, pngFile: 'f.png' }],
      sections: [
        { title: 'Runs', text: 'Every run & its status.\n\nA second paragraph.', table: runsTable },
        { title: 'Notes', text: 'Only text.' },
      ],
    });
    expect(markdown).toContain(
      [
        '## Runs',
        '',
        'Every run & its status.',
        '',
        'A second paragraph.',
        '',
        '| Run | Status | Eval PPL |',
        '|---|---|---:|',
        '| SM+G seed 1337 | **diverged** at step 40 (loss <NaN>) | — |',
        '| SM+R seed 1337 | completed | 63.110 |',
      ].join('\n'),
    );
    expect(markdown.indexOf('## Runs')).toBeGreaterThan(markdown.indexOf('![Figure 1]'));
    expect(markdown.indexOf('## Notes')).toBeGreaterThan(markdown.indexOf('## Runs'));
    expect(markdown.trimEnd().endsWith('## Notes\n\nOnly text.')).toBe(true);
    expect(html).toContain('<h2>Runs</h2>\n<p>Every run &amp; its status.</p>\n<p>A second paragraph.</p>\n<table>');
    expect(html).toContain('<td><strong>diverged</strong> at step 40 (loss &lt;NaN&gt;)</td><td style="text-align: right">—</td>');
    expect(html).not.toContain('<NaN>');
    expect(html.indexOf('<h2>Runs</h2>')).toBeGreaterThan(html.indexOf('<figure>'));
    expect(html.indexOf('<h2>Notes</h2>')).toBeLessThan(html.indexOf('</body>'));
  });

  it('refuses a section with neither text nor table, and a table row of the wrong width', () => {
    const runs = paperExampleRuns();
    expect(() => buildReport({ runs, figures: [], sections: [{ title: 'Empty' }] })).toThrow("report section 'Empty' has neither text nor a table");
    expect(() => buildReport({ runs, figures: [], sections: [{ title: 'Runs', table: { columns: [{ header: 'A' }], rows: [['1', '2']] } }] })).toThrow(
      'table row 1 has 2 cells, but the table has 1 columns (A)',
    );
  });

  it('right-aligns the number columns of its own tables in HTML, as in Markdown', () => {
    const { markdown, html } = buildReport({ runs: paperExampleRuns(), figures: [] });
    expect(markdown).toContain('| Quantity | Ours | Paper (GPT-2) |\n|---|---:|---:|');
    expect(html).toContain('<th>Quantity</th><th style="text-align: right">Ours</th>');
  });

  it('gives each inlined SVG its own ids, so two figures\' gradients do not collide', () => {
    const svg = '<svg><defs><linearGradient id="gradient_0"/></defs><rect fill="url(#gradient_0)"/></svg>';
    const { html } = buildReport({ runs: paperExampleRuns(), figures: [{ title: 'A', svg }, { title: 'B', svg }] });
    expect(html).toContain('id="figure1-gradient_0"');
    expect(html).toContain('fill="url(#figure2-gradient_0)"');
    expect(html).not.toContain('"gradient_0"');
  });

  it('references PNG files in Markdown and inlines SVGs in a self-contained HTML page', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>hi</text></svg>';
    const { markdown, html } = buildReport({ runs: paperExampleRuns(), figures: [{ title: 'Figure 1: heatmaps', svg, pngFile: 'figure 1.png' }] });
    expect(markdown).toContain('![Figure 1: heatmaps](figure%201.png)');
    expect(html).toContain(svg);
    expect(html).not.toContain('<img');
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });
});
