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
    run === gelu
      ? { ...run, finalEntropy: relu.finalEntropy! }
      : run === relu
        ? { ...run, finalEntropy: gelu.finalEntropy! }
        : run,
  );
}

const conclusive = { name: 'laptop', conclusive: true, description: '4 layers, 1,200 steps' };

const laptopManifest = {
  version: 1,
  kind: 'normfree-experiment',
  preset: 'laptop',
  configurations: [],
  seeds: [1337, 1338],
  createdAt: '2026-01-01T00:00:00Z',
  corpus: 'cpython-stdlib',
  tokenizer: 'default-4096',
  overrides: {},
} as const;

/** The example runs as a finished `laptop` run of one seed: final evaluation at step 1,200 on all 1,405 validation windows. */
function laptopRuns(seed: number, perplexities: Record<string, number>): PlotRun[] {
  return paperExampleRuns({ seed }).map((run) => {
    const perplexity = perplexities[run.configuration]!;
    return { ...run, finalEval: { type: 'eval', step: 1200, loss: Math.log(perplexity), perplexity, windows: 1405 } };
  });
}

describe('buildReport', () => {
  it("says plainly that the paper's ordering held, with our numbers next to the paper's", () => {
    const { markdown, comparison } = buildReport({
      runs: withPerplexities({ 'sm-ln-g': 64.9, 'sm-ln-r': 61.1, 'sm-g': 119.9, 'sm-r': 82.7 }),
      preset: conclusive,
      figures: [],
    });
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
    expect(markdown).toContain(
      '(2) LN-free GELU has more heads in the top entropy bin than LN-free ReLU (entropic overload): **DID NOT HOLD**. 22.2 % of SM+G heads vs 57.6 % of SM+R heads',
    );
  });

  it('says "held only in part" for a mixed result and "not tested" for missing data', () => {
    const runs = withPerplexities({ 'sm-ln-g': 90, 'sm-ln-r': 95, 'sm-g': 100, 'sm-r': 120 }).filter(
      (run) => run.configuration !== 'sm-ln-r',
    );
    const { markdown, comparison } = buildReport({
      runs: runs.map(({ finalEntropy: _dropped, ...run }) => run),
      figures: [],
    });
    expect(comparison.reluBeatsGelu.status).toBe('did not hold');
    expect(comparison.entropicOverload.status).toBe('not tested');
    expect(comparison.baselinesBeatNormFree.status).toBe('held');
    expect(markdown).toContain('held only in part**: 1 of 2 tested orderings held');
    expect(markdown).toContain('(1 of the four configurations missing)');
  });

  it('flags a preset that is not conclusive and diverged runs', () => {
    const runs = paperExampleRuns({ extras: true });
    const { markdown, html } = buildReport({
      runs,
      preset: { name: 'quick', conclusive: false, description: 'about 10 minutes' },
      figures: [],
    });
    expect(markdown).toContain('**Preset `quick` is marked not conclusive**');
    expect(markdown).toContain('**SM+LR(0.1) (seed 1337) diverged** at step 8000');
    expect(markdown).toContain('(but this preset is not conclusive)');
    expect(html).toContain('<strong>Preset <code>quick</code> is marked not conclusive</strong>');
  });

  it("puts a laptop experiment beside the authors' code on the same windows: every seed, mean and range on both sides", () => {
    const runs = [
      ...laptopRuns(1337, { 'sm-ln-g': 53.72, 'sm-ln-r': 50.28, 'sm-g': 76.09, 'sm-r': 63.11 }),
      ...laptopRuns(1338, { 'sm-ln-g': 53.43, 'sm-ln-r': 50.31, 'sm-g': 80.18, 'sm-r': 61.27 }),
    ];
    const { markdown, html } = buildReport({ runs, manifest: laptopManifest, figures: [] });
    expect(markdown).toContain("## The `laptop` preset against the authors' code");
    expect(markdown).toContain('22,826 train and 1,405 validation windows');
    expect(markdown).toContain(
      '| Model | PyTorch reference, per seed | Reference mean (min–max; n) | Ours, per seed | Ours mean (min–max; n) | Ours against the reference range |',
    );
    // Reference SM+G: seeds 2 and 1337 (74.771, 99.579); ours 76.09 and 80.18, both inside.
    expect(markdown).toContain(
      '| SM+G | 74.77 (seed 2), 99.58 (seed 1337) | 87.17 (74.77–99.58; n = 2) | 76.09 (seed 1337), 80.18 (seed 1338) | 78.14 (76.09–80.18; n = 2) | seed 1337: inside; seed 1338: inside |',
    );
    // Reference SM+LN+G: one seed, 52.715; ours (53.72 − 52.715)/52.715 = 1.9 % and 1.4 % above.
    expect(markdown).toContain(
      '| SM+LN+G | 52.72 (seed 1337) | 52.72 (n = 1) | 53.72 (seed 1337), 53.43 (seed 1338) | 53.58 (53.43–53.72; n = 2) | seed 1337: above by 1.9 %; seed 1338: above by 1.4 % |',
    );
    expect(markdown).toContain(
      "2 of our 8 runs fall inside the reference's min–max range: SM+LN+G 0 of 2 (1.4–1.9 % above), SM+LN+R 0 of 2 (0.2–0.3 % below), SM+G 2 of 2, SM+R 0 of 2 (0.7–3.6 % below).",
    );
    expect(markdown).toContain('SM+LN+G, SM+LN+R, SM+R have one reference seed, so their range is a single value');
    expect(markdown).toContain('Seeds with equal numbers do **not** share init weights, batch order or dropout masks');
    expect(markdown).toContain('Spread is the min–max range over seeds; n is the number of seeds on each side.');
    expect(markdown).toContain(
      'In the reference, SM+G (LayerNorm-free, GELU) is unstable across seeds: its 2 seeds span 74.77–99.58, 33.2 % of the lower value',
    );
    expect(markdown).toContain('Our 2 seeds of it span 76.09–80.18 (5.4 %).');
    expect(markdown).toContain(
      'Ranking by mean perplexity: ours SM+LN+R < SM+LN+G < SM+R < SM+G; reference SM+LN+R < SM+LN+G < SM+R < SM+G (the same order).',
    );
    // The paper's Table 2 stays incomparable; the old reference from another tokenizer and split is gone.
    expect(markdown).toContain("Absolute perplexities are **not comparable** with the paper's");
    expect(markdown).not.toContain('*are* comparable');
    expect(markdown).not.toMatch(/64\.9|61\.1|119\.9|82\.7/);
    expect(html).toContain('Seeds with equal numbers do <strong>not</strong> share');
    expect(markdown).toContain('Corpus cpython-stdlib, tokenizer default-4096');
  });

  it('computes where our runs fall from the numbers: a worse SM+G lands above the reference range', () => {
    const runs = laptopRuns(1337, { 'sm-ln-g': 53.72, 'sm-ln-r': 50.28, 'sm-g': 120, 'sm-r': 63.11 });
    const { markdown } = buildReport({ runs, manifest: laptopManifest, figures: [] });
    // (120 − 99.579)/99.579 = 20.5 %.
    expect(markdown).toContain(
      '| SM+G | 74.77 (seed 2), 99.58 (seed 1337) | 87.17 (74.77–99.58; n = 2) | 120.00 (seed 1337) | 120.00 (n = 1) | seed 1337: above by 20.5 % |',
    );
    expect(markdown).toContain("0 of our 4 runs fall inside the reference's min–max range");
  });

  it('shows the PyTorch reference only for a laptop experiment whose overrides change neither model, data nor steps', () => {
    const runs = laptopRuns(1337, { 'sm-ln-g': 53.72, 'sm-ln-r': 50.28, 'sm-g': 76.09, 'sm-r': 63.11 });
    const heading = "## The `laptop` preset against the authors' code";
    expect(
      buildReport({ runs, manifest: { ...laptopManifest, overrides: { evalEvery: 50 } }, figures: [] }).markdown,
    ).toContain(heading);
    const overridden = buildReport({
      runs,
      manifest: { ...laptopManifest, overrides: { steps: 600 } },
      figures: [],
    }).markdown;
    expect(overridden).not.toContain(heading);
    expect(overridden).toContain(
      "No comparison with the authors' PyTorch code at the `laptop` preset: the experiment overrides `steps`, which the reference runs did not.",
    );
    const withoutManifest = buildReport({ runs, preset: conclusive, figures: [] }).markdown;
    expect(withoutManifest).not.toContain(heading);
    expect(withoutManifest).toContain('no experiment manifest was given');
    const quick = buildReport({ runs, manifest: { ...laptopManifest, preset: 'quick' }, figures: [] }).markdown;
    expect(quick).not.toContain('PyTorch');
  });

  it("draws the caller's sections after its own, in both report.md and report.html", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>';
    const runsTable = {
      columns: [{ header: 'Run' }, { header: 'Status' }, { header: 'Eval PPL', align: 'right' as const }],
      rows: [
        ['SM+G seed 1337', '**diverged** at step 40 (loss <NaN>)', '—'],
        ['SM+R seed 1337', 'completed', '63.110'],
      ],
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
    expect(html).toContain(
      '<td><strong>diverged</strong> at step 40 (loss &lt;NaN&gt;)</td><td style="text-align: right">—</td>',
    );
    expect(html).not.toContain('<NaN>');
    expect(html.indexOf('<h2>Runs</h2>')).toBeGreaterThan(html.indexOf('<figure>'));
    expect(html.indexOf('<h2>Notes</h2>')).toBeLessThan(html.indexOf('</body>'));
  });

  it('refuses a section with neither text nor table, and a table row of the wrong width', () => {
    const runs = paperExampleRuns();
    expect(() => buildReport({ runs, figures: [], sections: [{ title: 'Empty' }] })).toThrow(
      "report section 'Empty' has neither text nor a table",
    );
    expect(() =>
      buildReport({
        runs,
        figures: [],
        sections: [{ title: 'Runs', table: { columns: [{ header: 'A' }], rows: [['1', '2']] } }],
      }),
    ).toThrow('table row 1 has 2 cells, but the table has 1 columns (A)');
  });

  it('right-aligns the number columns of its own tables in HTML, as in Markdown', () => {
    const { markdown, html } = buildReport({ runs: paperExampleRuns(), figures: [] });
    expect(markdown).toContain('| Quantity | Ours | Paper (GPT-2) |\n|---|---:|---:|');
    expect(html).toContain('<th>Quantity</th><th style="text-align: right">Ours</th>');
  });

  it("gives each inlined SVG its own ids, so two figures' gradients do not collide", () => {
    const svg = '<svg><defs><linearGradient id="gradient_0"/></defs><rect fill="url(#gradient_0)"/></svg>';
    const { html } = buildReport({
      runs: paperExampleRuns(),
      figures: [
        { title: 'A', svg },
        { title: 'B', svg },
      ],
    });
    expect(html).toContain('id="figure1-gradient_0"');
    expect(html).toContain('fill="url(#figure2-gradient_0)"');
    expect(html).not.toContain('"gradient_0"');
  });

  it('references PNG files in Markdown and inlines SVGs in a self-contained HTML page', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>hi</text></svg>';
    const { markdown, html } = buildReport({
      runs: paperExampleRuns(),
      figures: [{ title: 'Figure 1: heatmaps', svg, pngFile: 'figure 1.png' }],
    });
    expect(markdown).toContain('![Figure 1: heatmaps](figure%201.png)');
    expect(html).toContain(svg);
    expect(html).not.toContain('<img');
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });
});
