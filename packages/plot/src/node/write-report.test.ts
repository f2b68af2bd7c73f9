import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paperExampleRuns } from '../testing/index.js';
import { writeReport } from './write-report.js';

describe('writeReport', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('writes report.md with PNGs linked relative to it and report.html with the SVG inlined', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-report-'));
    dirs.push(dir);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><text>x</text></svg>';
    const figure = { id: 'figure2a-entropy-bins', title: 'Figure 2a', svgFile: join(dir, 'figures', 'f.svg'), pngFile: join(dir, 'figures', 'f.png'), svg, renderMs: 1 } as const;
    const { files, report } = await writeReport(dir, { runs: paperExampleRuns(), figures: [figure] });
    expect(files).toEqual([join(dir, 'report.md'), join(dir, 'report.html')]);
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'report.md']);
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('![Figure 2a](figures/f.png)');
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain(svg);
    expect(report.comparison.reluBeatsGelu.status).toBe('held');
  });
});
