import { appendFile, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { silentProgress } from '@normfree/experiment';
import { createFakeExecutor } from '@normfree/experiment/testing';
import { createCapturedIo } from './testing/index.js';

describe('normfree report', () => {
  const io = createCapturedIo();
  afterAll(async () => {
    await rm(io.cwd, { recursive: true, force: true });
  });

  it('should write figures, report.md and report.html after reproduce, with mean ± spread over seeds and diverged runs named', async () => {
    const executor = createFakeExecutor({ diverge: ['sm-g'] });
    const code = await runCli(
      [
        'reproduce',
        '--preset',
        'smoke',
        '--configs',
        'sm-ln-g,sm-g,sm-r',
        '--seeds',
        '1,2',
        '--steps',
        '2',
        '--out',
        'exp',
      ],
      io,
      {
        createExecutor: () => executor,
        progress: silentProgress,
      },
    );
    expect(code, io.output.stderr).toBe(0);
    const files = await readdir(join(io.cwd, 'exp'));
    expect(files).toEqual(
      expect.arrayContaining([
        'experiment.json',
        'report.md',
        'report.html',
        'figure1-head-entropy.svg',
        'figure1-head-entropy.png',
        'sm-r-seed2',
      ]),
    );
    const markdown = await readFile(join(io.cwd, 'exp', 'report.md'), 'utf8');
    expect(markdown).toContain('SM+LN+G');
    expect(markdown).toMatch(/±/);
    expect(markdown.toLowerCase()).toContain('diverged');
    expect(io.output.stdout).toContain('report.md');
  });

  it('should rebuild the report from the logs', async () => {
    const again = createCapturedIo(io.cwd);
    await rm(join(io.cwd, 'exp', 'report.md'));
    expect(await runCli(['report', 'exp'], again)).toBe(0);
    expect(await readFile(join(io.cwd, 'exp', 'report.md'), 'utf8')).toContain('SM+R');
  });

  it('should name the file and line of a damaged log line', async () => {
    const logs = join(io.cwd, 'exp', 'sm-r-seed1', 'logs.jsonl');
    const lineCount = (await readFile(logs, 'utf8')).trimEnd().split('\n').length;
    await appendFile(logs, '{"type":"step","step":3,"loss":\n');
    const damaged = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'exp'], damaged)).toBe(2);
    expect(damaged.output.stderr).toContain(`${logs}:${lineCount + 1}: damaged line`);
  });

  it('should refuse a folder that is neither an experiment nor a run, naming it', async () => {
    const other = createCapturedIo(io.cwd);
    expect(await runCli(['report', '.'], other)).toBe(2);
    expect(other.output.stderr).toContain(
      `'${io.cwd}' is neither a run folder (no summary.json) nor an experiment folder (no experiment.json)`,
    );
  });

  it('should report on one train run folder in place, and on several run folders into --out', async () => {
    const executor = createFakeExecutor();
    const dependencies = { createExecutor: () => executor, progress: silentProgress };
    for (const [config, out] of [
      ['sm-g', 'train-g'],
      ['sm-r', 'train-r'],
    ] as const) {
      const trainIo = createCapturedIo(io.cwd);
      expect(
        await runCli(['train', '--preset', 'smoke', '--config', config, '--out', out], trainIo, dependencies),
        trainIo.output.stderr,
      ).toBe(0);
    }
    const single = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'train-g'], single), single.output.stderr).toBe(0);
    expect(await readdir(join(io.cwd, 'train-g'))).toEqual(
      expect.arrayContaining(['report.md', 'figure2b-eval-loss.png', 'summary.json']),
    );

    const both = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'train-g', 'train-r', '--out', 'compare'], both), both.output.stderr).toBe(0);
    const markdown = await readFile(join(io.cwd, 'compare', 'report.md'), 'utf8');
    expect(markdown).toContain('SM+G');
    expect(markdown).toContain('SM+R');
    expect(both.output.stdout).toContain(join(io.cwd, 'compare', 'report.md'));
  });

  it('should report on experiments that differ only in seeds as one experiment of their preset', async () => {
    const executor = createFakeExecutor();
    const dependencies = { createExecutor: () => executor, progress: silentProgress };
    for (const seed of ['1', '2']) {
      const seedIo = createCapturedIo(io.cwd);
      expect(
        await runCli(
          ['reproduce', '--preset', 'smoke', '--seeds', seed, '--no-report', '--out', `seed-${seed}`],
          seedIo,
          dependencies,
        ),
        seedIo.output.stderr,
      ).toBe(0);
    }
    const merged = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'seed-1', 'seed-2', '--out', 'seeds'], merged), merged.output.stderr).toBe(0);
    const markdown = await readFile(join(io.cwd, 'seeds', 'report.md'), 'utf8');
    expect(markdown).toContain('Preset `smoke`');
    expect(markdown).toMatch(/±/); // two seeds per configuration: mean ± spread

    // With a bare run folder among them there is no common experiment: no preset line.
    const mixed = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'seed-1', 'train-g', '--out', 'mixed'], mixed), mixed.output.stderr).toBe(0);
    expect(await readFile(join(io.cwd, 'mixed', 'report.md'), 'utf8')).not.toContain('Preset `');
  });

  it('should refuse several folders without --out, the same run twice, and an --out that holds another experiment', async () => {
    const noOut = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'train-g', 'train-r'], noOut)).toBe(2);
    expect(noOut.output.stderr).toContain('a report over 2 folders needs --out <dir>');

    const twice = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'train-g', 'train-g', '--out', 'twice'], twice)).toBe(2);
    expect(twice.output.stderr).toContain('are both sm-g-seed1337');

    const reportBefore = await readFile(join(io.cwd, 'exp', 'experiment.json'), 'utf8');
    const intoExperiment = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'train-g', 'train-r', '--out', 'exp'], intoExperiment)).toBe(2);
    expect(intoExperiment.output.stderr).toContain('is an experiment or run folder that is not being reported on');
    expect(await readFile(join(io.cwd, 'exp', 'experiment.json'), 'utf8')).toBe(reportBefore);
  });
});
