import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createFakeExecutor } from '@normfree/experiment/testing';
import { silentProgress } from '@normfree/experiment';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { createCapturedIo } from './testing/index.js';

describe('reproduce --plan-only, run, status, report on a partly finished experiment', () => {
  const io = createCapturedIo();
  afterAll(async () => {
    await rm(io.cwd, { recursive: true, force: true });
  });
  const executor = createFakeExecutor();
  const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(argv, io, { createExecutor: () => executor, progress: silentProgress, env });

  it('should plan without training, train one run per index, and tell where each stands', async () => {
    expect(
      await cli([
        'reproduce',
        '--preset',
        'smoke',
        '--configs',
        'sm-ln-g,sm-g',
        '--seeds',
        '1,2',
        '--steps',
        '2',
        '--backend',
        'cpu',
        '--out',
        'exp',
        '--plan-only',
      ]),
    ).toBe(0);
    expect(executor.calls).toHaveLength(0);
    expect(io.output.stdout).toContain('planned: 4 runs');
    const plan = JSON.parse(await readFile(join(io.cwd, 'exp', 'plan.json'), 'utf8')) as { runs: { runId: string }[] };
    expect(plan.runs.map((run) => run.runId)).toEqual(['sm-ln-g-seed1', 'sm-ln-g-seed2', 'sm-g-seed1', 'sm-g-seed2']);

    expect(await cli(['run', 'exp', '--index', '3'])).toBe(0);
    expect(await cli(['run', 'exp'], { SLURM_ARRAY_TASK_ID: '0' })).toBe(0);
    expect(await cli(['run', 'exp', '--run', 'sm-g-seed1'])).toBe(0);
    expect(executor.calls.map((call) => call.job.runId)).toEqual(['sm-g-seed2', 'sm-ln-g-seed1', 'sm-g-seed1']);

    io.output.stdout = '';
    expect(await cli(['status', 'exp'])).toBe(0);
    expect(io.output.stdout).toMatch(/1 {2}sm-ln-g-seed2 +planned/);
    expect(io.output.stdout).toContain('4 runs: 3 completed, 1 planned');

    io.output.stderr = '';
    expect(await cli(['report', 'exp'])).toBe(0);
    expect(io.output.stderr).toContain('left out: sm-ln-g-seed2');
    expect(await readFile(join(io.cwd, 'exp', 'report.md'), 'utf8')).toContain('## Missing runs');
  });

  it('should refuse an index beyond the plan and a folder without a plan with exit code 2', async () => {
    io.output.stderr = '';
    expect(await cli(['run', 'exp', '--index', '4'])).toBe(2);
    expect(io.output.stderr).toContain('--index is outside the plan');
    expect(await cli(['run', 'nowhere', '--index', '0'])).toBe(2);
    expect(io.output.stderr).toContain('is not a normfree experiment folder');
  });

  it('should write the Kubernetes files with the plan, and refuse a bad quantity before writing anything', async () => {
    io.output.stderr = '';
    const k8s = [
      'reproduce',
      '--preset',
      'smoke',
      '--configs',
      'sm-ln-g,sm-g',
      '--steps',
      '2',
      '--emit',
      'k8s',
      '--image',
      'ghcr.io/example/normfree:0.1.0',
      '--volume-claim',
      'experiments',
    ];
    expect(await cli([...k8s, '--out', 'k8s-bad', '--memory', '16GB'])).toBe(2);
    expect(io.output.stderr).toContain("memory '16GB'");
    const { existsSync, statSync } = await import('node:fs');
    expect(existsSync(join(io.cwd, 'k8s-bad'))).toBe(false);
    expect(await cli([...k8s, '--out', 'k8s', '--memory', '2Gi'])).toBe(0);
    const job = JSON.parse(await readFile(join(io.cwd, 'k8s', 'kubernetes', 'runs-job.json'), 'utf8')) as {
      spec: {
        completions: number;
        completionMode: string;
        template: { spec: { containers: { command: string[] }[] } };
      };
    };
    expect(job.spec).toMatchObject({ completions: 2, completionMode: 'Indexed' });
    expect(job.spec.template.spec.containers[0]!.command.slice(0, 3)).toEqual(['normfree', 'run', join(io.cwd, 'k8s')]);
    expect(statSync(join(io.cwd, 'k8s', 'kubernetes', 'apply.sh')).mode & 0o111).not.toBe(0);
    expect(executor.calls).toHaveLength(3); // nothing trained by --emit
    expect(await cli(['reproduce', '--preset', 'smoke', '--emit', 'k8s', '--out', 'k8s-missing'])).toBe(2);
    expect(io.output.stderr).toContain('--emit k8s needs --image');
  });
});
