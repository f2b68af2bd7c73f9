import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { paperExampleRuns } from '../testing/index.js';
import { writeFigures } from './write-figures.js';

describe('writeFigures', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('writes every figure the runs have data for, in paper order, with text in each SVG', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-figures-'));
    dirs.push(dir);
    const seen: string[] = [];
    // SVG only and short curves: this test is about which figures, not about rasterising (kept fast).
    // Heatmaps cut to 3 × 3 heads: the 576 annotated cells of the full Figure 1 take seconds on CI.
    const runs = paperExampleRuns({ extras: true, steps: 4000, every: 1000 }).map((run) =>
      run.finalEntropy?.perHead === undefined
        ? run
        : {
            ...run,
            finalEntropy: {
              ...run.finalEntropy,
              perHead: run.finalEntropy.perHead.slice(0, 3).map((row) => row.slice(0, 3)),
            },
          },
    );
    const { figures, files } = await writeFigures(dir, runs, {
      svgOnly: true,
      onFigure: (figure) => seen.push(figure.id),
    });
    const ids = [
      'figure1-head-entropy',
      'figure2a-entropy-bins',
      'figure2b-eval-loss',
      'table2-perplexity',
      'figure3-slopes',
      'figure4-layer-entropy',
      'figure5-nan-counts',
      'fp16-overflow-counts',
    ];
    expect(figures.map((figure) => figure.id)).toEqual(ids);
    expect(seen).toEqual(ids);
    expect(files).toEqual(ids.map((id) => join(dir, `${id}.svg`)));
    for (const figure of figures) expect(figure.svg).toContain('<text');
  });

  it('writes SVG and PNG atomically: the files and nothing else (no temp files left)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-figures-'));
    dirs.push(dir);
    const { figures, files } = await writeFigures(join(dir, 'nested'), paperExampleRuns({ steps: 1000 }), {
      scale: 1,
      only: ['figure2a-entropy-bins'],
    });
    expect(files).toEqual([
      join(dir, 'nested', 'figure2a-entropy-bins.svg'),
      join(dir, 'nested', 'figure2a-entropy-bins.png'),
    ]);
    expect((await readdir(join(dir, 'nested'))).sort()).toEqual([
      'figure2a-entropy-bins.png',
      'figure2a-entropy-bins.svg',
    ]);
    expect(figures[0]!.pngFile).toBe(files[1]);
  });

  it('leaves out figures without data: the four paper runs have no slopes and no NaNs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-figures-'));
    dirs.push(dir);
    const { figures, files } = await writeFigures(dir, paperExampleRuns(), {
      svgOnly: true,
      only: ['figure2b-eval-loss', 'figure3-slopes', 'figure5-nan-counts'],
    });
    expect(figures.map((figure) => figure.id)).toEqual(['figure2b-eval-loss']);
    expect(files).toEqual([join(dir, 'figure2b-eval-loss.svg')]);
  });
});
