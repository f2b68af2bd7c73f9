import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentManifest, RunSummary } from '@normfree/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { createCapturedIo } from './testing/index.js';

// The real pipeline, end to end: embedded corpus → model → trainer → run folders → figures → report.
describe('normfree reproduce --preset smoke (end to end)', () => {
  const io = createCapturedIo();
  afterAll(async () => {
    await rm(io.cwd, { recursive: true, force: true });
  });

  it('should train the configurations and write experiment.json, summaries, every figure and the report', async () => {
    const started = performance.now();
    const code = await runCli(
      [
        'reproduce',
        '--preset',
        'smoke',
        '--configs',
        'sm-ln-g,sm-r',
        '--steps',
        '4',
        '--backend',
        'cpu',
        '--out',
        'exp',
        '--workers',
        '1',
        '--plain-progress',
      ],
      io,
    );
    const seconds = (performance.now() - started) / 1000;
    expect(code, io.output.stderr).toBe(0);
    const dir = join(io.cwd, 'exp');
    const manifest = JSON.parse(await readFile(join(dir, 'experiment.json'), 'utf8')) as ExperimentManifest;
    expect(manifest).toMatchObject({
      version: 1,
      kind: 'normfree-experiment',
      preset: 'smoke',
      configurations: ['sm-ln-g', 'sm-r'],
      seeds: [1337],
    });
    for (const run of ['sm-ln-g-seed1337', 'sm-r-seed1337']) {
      const summary = JSON.parse(await readFile(join(dir, run, 'summary.json'), 'utf8')) as RunSummary;
      expect(summary.status).toBe('completed');
      expect(summary.stepsCompleted).toBe(4);
      expect(summary.backend).toBe('cpu');
      expect(Number.isFinite(summary.finalEval?.loss)).toBe(true);
      // loss at initialisation ≈ ln(4096) ≈ 8.3; four steps barely move it
      expect(summary.finalEval!.loss).toBeGreaterThan(5);
      expect(summary.finalEval!.loss).toBeLessThan(9);
      for (const file of ['config.json', 'logs.jsonl', 'final-entropy.json', 'checkpoint.safetensors'])
        expect(existsSync(join(dir, run, file)), `${run}/${file}`).toBe(true);
    }
    const files = await readdir(dir);
    for (const figure of [
      'figure1-head-entropy',
      'figure2a-entropy-bins',
      'figure2b-eval-loss',
      'figure4-layer-entropy',
    ]) {
      expect(files, figure).toContain(`${figure}.svg`);
      expect(files, figure).toContain(`${figure}.png`);
    }
    expect(await readFile(join(dir, 'report.md'), 'utf8')).toContain('SM+R');
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('<svg');
    expect(io.output.stderr).toMatch(/sm-r-seed1337: completed after 4 steps/);
    expect(io.output.stdout).toContain('report.md');
    console.log(`smoke reproduce (2 configurations, 4 steps, cpu) took ${seconds.toFixed(1)} s`);
  });

  it('should skip the finished runs on --resume', async () => {
    const again = createCapturedIo(io.cwd);
    const code = await runCli(
      [
        'reproduce',
        '--preset',
        'smoke',
        '--configs',
        'sm-ln-g,sm-r',
        '--steps',
        '4',
        '--backend',
        'cpu',
        '--out',
        'exp',
        '--resume',
        '--workers',
        '1',
        '--plain-progress',
      ],
      again,
    );
    expect(code, again.output.stderr).toBe(0);
    expect(again.output.stderr).toContain('sm-ln-g-seed1337: already completed after 4 steps');
    expect(again.output.stderr).toContain('sm-r-seed1337: already completed');
    expect(again.output.stderr).not.toContain('starting');
  });
});
