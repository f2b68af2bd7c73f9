import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planExperiment, type PlanOptions } from '../plan.js';
import { createFakeExecutor } from '../testing/index.js';
import { loadTokenizerVocabSize } from './dataset.js';
import { readPlan } from './plan-file.js';
import { experimentStatus, runPlannedRun } from './planned-run.js';
import { writeExperimentReport } from './report.js';
import { prepareExperiment, runExperiment } from './run-experiment.js';
import { acquireRunLock, readRunLock, runLockPath } from './run-lock.js';

let vocabSize = 0;
beforeAll(async () => {
  vocabSize = await loadTokenizerVocabSize('default-4096');
});
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function freshFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'normfree-planned-'));
  folders.push(dir);
  return dir;
}
const plan = (outDir: string, overrides: Partial<PlanOptions> = {}) =>
  planExperiment({
    preset: 'smoke',
    configurations: ['sm-ln-g', 'sm-g'],
    seeds: [1, 2],
    target: { backend: 'cpu' },
    vocabSize,
    outDir,
    overrides: { steps: 2 },
    ...overrides,
  });

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid;
}

describe('plan.json and runPlannedRun', () => {
  it('should write the plan without training, then train exactly the run an index or SLURM_ARRAY_TASK_ID names', async () => {
    const dir = await freshFolder();
    await prepareExperiment(plan(dir), { resume: false });
    const stored = await readPlan(dir);
    expect(stored.runs.map((run) => run.runId)).toEqual(['sm-ln-g-seed1', 'sm-ln-g-seed2', 'sm-g-seed1', 'sm-g-seed2']);
    expect(stored.runs[2]!.runDir).toBe(join(dir, 'sm-g-seed1'));
    expect(await experimentStatus(dir)).toEqual(
      stored.runs.map((run, index) => ({ index, runId: run.runId, label: run.label, state: 'planned' })),
    );

    const executor = createFakeExecutor();
    const byIndex = await runPlannedRun(dir, { index: 2, executor });
    expect(byIndex).toMatchObject({ runId: 'sm-g-seed1', kind: 'trained' });
    const byEnv = await runPlannedRun(dir, { env: { SLURM_ARRAY_TASK_ID: '1' }, executor });
    expect(byEnv).toMatchObject({ runId: 'sm-ln-g-seed2', kind: 'trained' });
    const byK8s = await runPlannedRun(dir, { env: { JOB_COMPLETION_INDEX: '1' }, executor });
    expect(byK8s).toMatchObject({ runId: 'sm-ln-g-seed2', kind: 'skipped' });
    expect(executor.calls.map((call) => call.job.runId)).toEqual(['sm-g-seed1', 'sm-ln-g-seed2']);
    expect((await experimentStatus(dir)).map((status) => status.state)).toEqual([
      'planned',
      'completed',
      'completed',
      'planned',
    ]);
    // Nothing left locked.
    expect(existsSync(runLockPath(dir, 'sm-g-seed1'))).toBe(false);
  });

  it('should refuse an index outside the plan, an unknown run and a missing index, naming the input', async () => {
    const dir = await freshFolder();
    await prepareExperiment(plan(dir), { resume: false });
    const executor = createFakeExecutor();
    await expect(runPlannedRun(dir, { index: 4, executor })).rejects.toThrow(
      `--index is outside the plan of ${dir}: it has 4 runs, indices 0…3`,
    );
    await expect(runPlannedRun(dir, { env: { SLURM_ARRAY_TASK_ID: '7' }, executor })).rejects.toThrow(
      'SLURM_ARRAY_TASK_ID=7 is outside the plan',
    );
    await expect(runPlannedRun(dir, { runId: 'sm-r-seed1', executor })).rejects.toThrow(
      "run 'sm-r-seed1' is not in the plan",
    );
    await expect(runPlannedRun(dir, { env: {}, executor })).rejects.toThrow('give --index <0…3> or --run <id>');
    expect(executor.calls).toHaveLength(0);
  });

  it('should refuse a plan that changed after it was written, and overwrite nothing', async () => {
    const dir = await freshFolder();
    await prepareExperiment(plan(dir), { resume: false });
    const before = await readFile(join(dir, 'plan.json'), 'utf8');
    await expect(prepareExperiment(plan(dir, { overrides: { steps: 3 } }), { resume: true })).rejects.toThrow(
      /holds a different experiment/,
    );
    // Same manifest, other run settings (e.g. a plan.json edited by hand): refused by the plan check.
    const edited = JSON.parse(before) as { runs: { training: { learningRate: number } }[] };
    edited.runs[0]!.training.learningRate = 0.5;
    await writeFile(join(dir, 'plan.json'), JSON.stringify(edited));
    await expect(prepareExperiment(plan(dir), { resume: true })).rejects.toThrow('settings differ for sm-ln-g-seed1');
    // The same plan with another backend is the same experiment (how, not what).
    await writeFile(join(dir, 'plan.json'), before);
    await expect(
      prepareExperiment(plan(dir, { target: { backend: 'wasm', nativeThreads: 3 } }), { resume: true }),
    ).resolves.toBe('resumed');
  });
});

describe('run locks', () => {
  it('should refuse a run whose lock a live job holds, and take over the lock of a dead one', async () => {
    const dir = await freshFolder();
    await prepareExperiment(plan(dir), { resume: false });
    const executor = createFakeExecutor();
    const held = await acquireRunLock(dir, 'sm-ln-g-seed1');
    const refused = await runPlannedRun(dir, { index: 0, executor });
    expect(refused).toMatchObject({ kind: 'failed' });
    expect(refused.kind === 'failed' ? refused.error : '').toContain(
      `run sm-ln-g-seed1 is being trained by process ${process.pid} on ${hostname()}`,
    );
    expect((await experimentStatus(dir))[0]).toMatchObject({ state: 'running' });
    await held.release();

    // A killed job's lock on this host: its pid is gone, so the lock is stale and taken over.
    await mkdir(join(dir, 'locks'), { recursive: true });
    await writeFile(
      runLockPath(dir, 'sm-ln-g-seed1'),
      JSON.stringify({ host: hostname(), pid: deadPid(), startedAt: '2026-01-01T00:00:00Z' }),
    );
    expect(await readRunLock(runLockPath(dir, 'sm-ln-g-seed1'))).toMatchObject({ stale: true });
    expect(await runPlannedRun(dir, { index: 0, executor })).toMatchObject({ kind: 'trained' });
    expect(executor.calls).toHaveLength(1);
  });

  it("should judge another host's lock by its heartbeat", async () => {
    const dir = await freshFolder();
    const path = runLockPath(dir, 'sm-g-seed2');
    await mkdir(join(dir, 'locks'), { recursive: true });
    await writeFile(path, JSON.stringify({ host: 'node-17.cluster', pid: 4242, startedAt: '2026-01-01T00:00:00Z' }));
    expect(await readRunLock(path, { staleAfterMs: 60_000 })).toMatchObject({
      stale: false,
      owner: { host: 'node-17.cluster' },
    });
    const old = new Date(Date.now() - 120_000);
    await utimes(path, old, old);
    expect(await readRunLock(path, { staleAfterMs: 60_000 })).toMatchObject({ stale: true });
    const lock = await acquireRunLock(dir, 'sm-g-seed2', { staleAfterMs: 60_000 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ host: hostname(), pid: process.pid });
    await lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('should judge a damaged lock by its age alone, whatever it holds', async () => {
    const dir = await freshFolder();
    const path = runLockPath(dir, 'sm-g-seed2');
    await mkdir(join(dir, 'locks'), { recursive: true });
    const old = new Date(Date.now() - 120_000);
    // Cut off while being written, and valid JSON of the wrong shape (a pid that is text, the host missing).
    for (const content of ['{"host":"node-17', JSON.stringify({ pid: 'x', startedAt: 1 })]) {
      await writeFile(path, content);
      expect(await readRunLock(path, { staleAfterMs: 60_000 })).toMatchObject({ stale: false, owner: undefined });
      await utimes(path, old, old);
      expect(await readRunLock(path, { staleAfterMs: 60_000 })).toMatchObject({ stale: true, owner: undefined });
    }
  });

  it('should say a read-only experiment folder cannot take a run', async () => {
    const executor = createFakeExecutor();
    // A folder whose locks/ path is a file stands in for a mount we cannot write (root ignores modes).
    const dir = await freshFolder();
    await prepareExperiment(plan(dir), { resume: false });
    await writeFile(join(dir, 'locks'), 'not a folder');
    const outcome = await runPlannedRun(dir, { index: 0, executor });
    expect(outcome.kind === 'failed' ? outcome.error : '').toContain(join(dir, 'locks'));
    expect(executor.calls).toHaveLength(0);
  });
});

describe('status and the report of a partly finished experiment', () => {
  it('should list failed and interrupted runs and name the missing ones in the report', async () => {
    const dir = await freshFolder();
    const failing = createFakeExecutor({ fail: ['sm-g'] });
    await runExperiment(plan(dir, { seeds: [1] }), { executor: failing });
    const status = await experimentStatus(dir);
    expect(status.map((run) => [run.runId, run.state])).toEqual([
      ['sm-ln-g-seed1', 'completed'],
      ['sm-g-seed1', 'failed'],
    ]);
    expect(status[1]!.detail).toContain('fake failure of sm-g-seed1');
    // A damaged failure mark still reads as failed, naming the file and the field.
    const mark = join(dir, 'locks', 'sm-g-seed1.failed.json');
    await writeFile(mark, JSON.stringify({ error: 7 }));
    expect((await experimentStatus(dir))[1]).toMatchObject({
      state: 'failed',
      detail: `failed (${mark}: field "error" must be a string, got 7)`,
    });
    await writeFile(mark, '{"error":');
    expect((await experimentStatus(dir))[1]!.detail).toMatch(/^failed \(.*sm-g-seed1\.failed\.json: not valid JSON/);
    const report = await writeExperimentReport({ dir });
    expect(report.missing).toEqual(['sm-g-seed1']);
    const markdown = await readFile(report.markdownPath, 'utf8');
    expect(markdown).toContain('## Missing runs');
    expect(markdown).toContain('1 planned run has no results yet');
    // Trained again, the failure mark is gone and the report is whole.
    await runPlannedRun(dir, { runId: 'sm-g-seed1', executor: createFakeExecutor() });
    expect((await experimentStatus(dir)).map((run) => run.state)).toEqual(['completed', 'completed']);
    expect((await writeExperimentReport({ dir })).missing).toEqual([]);
  });
});
