import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { createCapturedIo } from './testing/index.js';

async function writeAuthorsRun(dir: string, options: { slopes: boolean }): Promise<void> {
  for (const layer of [0, 1]) {
    await mkdir(join(dir, 'entropy_logs'), { recursive: true });
    await writeFile(
      join(dir, 'entropy_logs', `layer_${layer}_entropy.txt`),
      [0, 100, 200]
        .map((step) => `Step ${step} - Layer ${layer}: ${(3 - step / 200 + layer * 0.1).toFixed(3)}`)
        .join('\n') + '\n',
    );
    await mkdir(join(dir, 'nan_count_logs'), { recursive: true });
    await writeFile(
      join(dir, 'nan_count_logs', `layer_${layer}_nan_count.txt`),
      [0, 100, 200].map((step) => `Step ${step} - Layer ${layer}: ${step === 200 ? 12.0 : 0.0}`).join('\n') + '\n',
    );
    if (options.slopes) {
      await mkdir(join(dir, 'neg_slope_logs'), { recursive: true });
      await writeFile(
        join(dir, 'neg_slope_logs', `layer_${layer}_slope.txt`),
        [0, 100, 200].map((step) => `Step ${step}: ${0.01 + step / 1e4}`).join('\n') + '\n',
      );
    }
  }
}

describe('normfree plot-authors', () => {
  const io = createCapturedIo();
  afterAll(async () => {
    await rm(io.cwd, { recursive: true, force: true });
  });

  it("should draw the figures from several of the authors' run folders", async () => {
    await writeAuthorsRun(join(io.cwd, 'logs', 'sm-g'), { slopes: false });
    await writeAuthorsRun(join(io.cwd, 'logs', 'sm-llr-layer'), { slopes: true });
    const code = await runCli(['plot-authors', 'logs/sm-g', 'logs/sm-llr-layer', '--out', 'figures'], io);
    expect(code, io.output.stderr).toBe(0);
    const files = await readdir(join(io.cwd, 'figures'));
    expect(files).toEqual(
      expect.arrayContaining([
        'figure3-slopes.svg',
        'figure4-layer-entropy.svg',
        'figure5-nan-counts.png',
        'report.md',
        'report.html',
        'authors-figures.json',
      ]),
    );
    expect(await readFile(join(io.cwd, 'figures', 'report.md'), 'utf8')).toContain('SM+LLR(layer)');
    // An earlier output may be redrawn.
    expect(await runCli(['plot-authors', 'logs/sm-g', '--out', 'figures'], createCapturedIo(io.cwd))).toBe(0);
  });

  it("should refuse a folder without the authors' logs, and an output folder holding other files", async () => {
    const missing = createCapturedIo(io.cwd);
    expect(await runCli(['plot-authors', 'nowhere', '--out', 'figures-2'], missing)).toBe(2);
    expect(missing.output.stderr).toContain('has none of entropy_logs/');
    await mkdir(join(io.cwd, 'mine'));
    await writeFile(join(io.cwd, 'mine', 'thesis.tex'), 'keep me');
    const occupied = createCapturedIo(io.cwd);
    expect(await runCli(['plot-authors', 'logs/sm-g', '--out', 'mine'], occupied)).toBe(2);
    expect(occupied.output.stderr).toContain('is not empty');
    expect(await readFile(join(io.cwd, 'mine', 'thesis.tex'), 'utf8')).toBe('keep me');
  });
});
