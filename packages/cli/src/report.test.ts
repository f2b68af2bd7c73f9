import { appendFile, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { silentProgress } from './progress.js';
import { createCapturedIo, createFakeExecutor } from './testing/index.js';

describe('normfree report', () => {
  const io = createCapturedIo();
  afterAll(async () => {
    await rm(io.cwd, { recursive: true, force: true });
  });

  it('should write figures, report.md and report.html after reproduce, with mean ± spread over seeds and diverged runs named', async () => {
    const executor = createFakeExecutor({ diverge: ['sm-g'] });
    const code = await runCli(['reproduce', '--preset', 'smoke', '--configs', 'sm-ln-g,sm-g,sm-r', '--seeds', '1,2', '--steps', '2', '--out', 'exp'], io, {
      createExecutor: () => executor,
      progress: silentProgress,
    });
    expect(code, io.output.stderr).toBe(0);
    const files = await readdir(join(io.cwd, 'exp'));
    expect(files).toEqual(expect.arrayContaining(['experiment.json', 'report.md', 'report.html', 'figure1-head-entropy.svg', 'figure1-head-entropy.png', 'sm-r-seed2']));
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

  it('should refuse a folder that is not an experiment', async () => {
    const other = createCapturedIo(io.cwd);
    expect(await runCli(['report', 'exp/sm-r-seed1'], other)).toBe(2);
    expect(other.output.stderr).toContain('not a normfree experiment folder');
  });
});
