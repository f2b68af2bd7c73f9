import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunSummary } from '@normfree/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slurmAvailable, startLocalSlurm, type LocalSlurm } from '../../../tools/slurm/local-cluster.js';

// The emitted job array on a real one-node SLURM (Debian's slurm-wlm, installed by
// tools/ensure-slurm.sh in `npm test`, started and stopped here): the report equals the one of a
// local `reproduce` of the same plan, also when one task is cancelled mid-run and requeued.
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);
const runs = ['sm-ln-g-seed1337', 'sm-ln-r-seed1337', 'sm-g-seed1337', 'sm-r-seed1337'];
// Long enough for a task to be cancelled between two checkpoints; evaluated twice, checkpointed often.
const experiment = [
  '--preset',
  'smoke',
  '--configs',
  'sm-ln-g,sm-ln-r,sm-g,sm-r',
  '--steps',
  '300',
  '--eval-every',
  '150',
  '--checkpoint-every',
  '10',
  '--backend',
  'wasm',
];

/** The part of report.md that depends on the results only (not on wall times, dates or paths). */
function resultsPart(markdown: string): string {
  return markdown.slice(markdown.indexOf('## Read this first'), markdown.indexOf('## Figures'));
}

async function summaries(dir: string): Promise<Map<string, RunSummary>> {
  return new Map(
    await Promise.all(
      runs.map(
        async (id) => [id, JSON.parse(await readFile(join(dir, id, 'summary.json'), 'utf8')) as RunSummary] as const,
      ),
    ),
  );
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!slurmAvailable() || !existsSync(bin))('reproduce --emit slurm on a one-node SLURM cluster', () => {
  let slurm: LocalSlurm | undefined;
  let base = '';
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'normfree-slurm-'));
    slurm = await startLocalSlurm({ cpus: 2 });
  }, 120_000);
  afterAll(async () => {
    await slurm?.stop();
    await rm(base, { recursive: true, force: true });
  }, 60_000);

  it('should train the plan as a job array, survive a cancelled and requeued task, and write the report a local run writes', async () => {
    const cluster = slurm!;
    const local = join(base, 'local');
    const onCluster = join(base, 'cluster');
    await run(
      process.execPath,
      [bin, 'reproduce', ...experiment, '--workers', '1', '--out', local, '--plain-progress'],
      { cwd: base, timeout: 300_000 },
    );

    const emitted = await run(
      process.execPath,
      [
        bin,
        'reproduce',
        ...experiment,
        '--out',
        onCluster,
        '--emit',
        'slurm',
        '--time',
        '00:10:00',
        '--memory',
        '1G',
        '--normfree-command',
        `${process.execPath} ${bin}`,
      ],
      { cwd: base },
    );
    expect(emitted.stdout).toContain(join(onCluster, 'slurm', 'submit.sh'));
    const submitted = await run('bash', [join(onCluster, 'slurm', 'submit.sh')], { env: cluster.env });
    const arrayJob = Number(/job array (\d+)/.exec(submitted.stdout)?.[1]);
    const reportJob = Number(/report: job (\d+)/.exec(submitted.stdout)?.[1]);
    expect(Number.isInteger(arrayJob) && Number.isInteger(reportJob), submitted.stdout).toBe(true);

    // Cancel task 0 once it has written a checkpoint and before it finishes, then requeue it.
    const first = join(onCluster, runs[0]!);
    await until(() => existsSync(join(first, 'checkpoint.safetensors')), 'the first checkpoint of task 0');
    await cluster.scancel([`${arrayJob}_0`]);
    await until(
      async () => (await cluster.jobs(`${arrayJob}_0`)).every((task) => task.state === 'CANCELLED'),
      'task 0 to be cancelled',
      60_000,
    );
    const interrupted = JSON.parse(
      await readFile(join(first, 'summary.json'), 'utf8').catch(() => '{"status":"none"}'),
    ) as { status: string; stepsCompleted?: number };
    expect(interrupted.status).not.toBe('completed');
    await cluster.scontrol(['requeue', `${arrayJob}_0`]);

    const states = await cluster.waitForJobs([arrayJob, reportJob], { timeoutMs: 300_000 });
    expect(states.get(arrayJob), await cluster.logs(40)).toBe('COMPLETED');
    expect(states.get(reportJob)).toBe('COMPLETED');
    const [task0] = await cluster.jobs(`${arrayJob}_0`);
    expect(task0?.restarts).toBeGreaterThanOrEqual(1);
    // The requeued task resumed from its checkpoint (progress goes to the task's .err log, which a
    // rerun appends to).
    const log = await readFile(join(onCluster, 'slurm', 'logs', `run-${arrayJob}_0.err`), 'utf8');
    expect(log).toMatch(/sm-ln-g-seed1337: starting, 300 steps[\s\S]*sm-ln-g-seed1337: resuming at step \d+/);

    // Same numbers as the local run, run by run, and the same report.
    const [expected, actual] = await Promise.all([summaries(local), summaries(onCluster)]);
    for (const id of runs) {
      expect(actual.get(id)?.status, id).toBe('completed');
      expect(actual.get(id)?.finalEval, id).toEqual(expected.get(id)?.finalEval);
      expect(actual.get(id)?.finalEntropy, id).toEqual(expected.get(id)?.finalEntropy);
    }
    const [localReport, clusterReport] = await Promise.all([
      readFile(join(local, 'report.md'), 'utf8'),
      readFile(join(onCluster, 'report.md'), 'utf8'),
    ]);
    expect(resultsPart(clusterReport)).toBe(resultsPart(localReport));
    expect(resultsPart(clusterReport)).toContain('SM+LN+G');
    const status = await run(process.execPath, [bin, 'status', onCluster]);
    expect(status.stdout).toContain('4 runs: 4 completed');
  }, 600_000);
});
