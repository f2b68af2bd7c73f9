import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paperExampleRuns } from '../testing/index.js';
import { writeReport } from './write-report.js';

describe('writeReport', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  const temporaryDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-report-'));
    dirs.push(dir);
    return dir;
  };

  it('draws the figures, then writes report.md with PNGs linked relative to it and report.html with the SVGs inlined', async () => {
    const dir = await temporaryDir();
    const { report, markdownPath, htmlPath, figureFiles } = await writeReport(dir, { runs: paperExampleRuns() });
    expect([markdownPath, htmlPath]).toEqual([join(dir, 'report.md'), join(dir, 'report.html')]);
    // The example runs have eval logs, final head entropy and per-layer entropy, but no slopes or NaNs.
    const ids = [
      'figure1-head-entropy',
      'figure2a-entropy-bins',
      'figure2b-eval-loss',
      'table2-perplexity',
      'figure4-layer-entropy',
    ];
    expect(figureFiles).toEqual(ids.flatMap((id) => [join(dir, `${id}.svg`), join(dir, `${id}.png`)]));
    expect((await readdir(dir)).sort()).toEqual(
      [...ids.flatMap((id) => [`${id}.png`, `${id}.svg`]), 'report.html', 'report.md'].sort(),
    );
    const markdown = await readFile(markdownPath, 'utf8');
    const html = await readFile(htmlPath, 'utf8');
    expect(markdown).toBe(report.markdown);
    expect(html).toBe(report.html);
    expect(markdown).toContain('](figure2b-eval-loss.png)');
    expect(html.match(/<figure>/g)).toHaveLength(ids.length);
    expect(html).not.toContain('<img');
    expect(report.comparison.reluBeatsGelu.status).toBe('held');
  });

  it('creates a missing folder and writes the title, preset and sections it is given', async () => {
    const dir = await temporaryDir();
    const { report, figureFiles } = await writeReport(join(dir, 'out'), {
      runs: paperExampleRuns(),
      title: "Figures from the authors' PyTorch logs",
      preset: { name: 'quick', conclusive: false, description: 'two layers' },
      sections: [
        {
          title: 'Runs',
          table: {
            columns: [{ header: 'Run' }, { header: 'Status' }],
            rows: [['SM+G seed 1', '**diverged** at step 3']],
          },
        },
      ],
    });
    expect(figureFiles.every((file) => file.startsWith(join(dir, 'out')))).toBe(true);
    const markdown = await readFile(join(dir, 'out', 'report.md'), 'utf8');
    const html = await readFile(join(dir, 'out', 'report.html'), 'utf8');
    expect(markdown.startsWith("# Figures from the authors' PyTorch logs")).toBe(true);
    expect(markdown).toContain('**Preset `quick` is marked not conclusive**');
    expect(markdown).toContain('## Runs\n\n| Run | Status |\n|---|---|\n| SM+G seed 1 | **diverged** at step 3 |');
    expect(html).toContain('<td><strong>diverged</strong> at step 3</td>');
    expect(report.markdown).toBe(markdown);
  });
});
