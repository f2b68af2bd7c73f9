// Manual check of local-cluster.ts (tools/ is outside the vitest projects). Run as root:
//   bash tools/ensure-slurm.sh
//   node --import "./$(ls -d node_modules/.pnpm/tsx@*/node_modules/tsx | head -1)/dist/esm/index.mjs" tools/slurm/check-local-cluster.ts
// Starts a cluster, runs a 4-task array, cancels + requeues one task of a 2-task array, stops.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { slurmAvailable, startLocalSlurm } from './local-cluster.ts';

const t0 = Date.now();
const log = (message: string): void =>
  console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${message}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

assert.ok(slurmAvailable(), 'run bash tools/ensure-slurm.sh first');
const slurm = await startLocalSlurm();
log(`cluster up: node ${slurm.nodeName}, ${slurm.cpus} CPUs, dir ${slurm.dir}`);
try {
  // 1. An array of 4 tasks.
  const array = await slurm.sbatch(
    ['--array=0-3', '--output=/dev/null', '--wrap', 'sleep 2; echo $SLURM_ARRAY_TASK_ID > out_$SLURM_ARRAY_TASK_ID'],
    { cwd: slurm.dir },
  );
  log(`sbatch --array=0-3 -> job ${array.jobId}`);
  log(`squeue:\n${await slurm.squeue()}`);
  const states = await slurm.waitForJobs([array.jobId]);
  log(`waitForJobs -> ${JSON.stringify([...states])}`);
  assert.equal(states.get(array.jobId), 'COMPLETED');
  for (let i = 0; i < 4; i++)
    assert.equal((await readFile(path.join(slurm.dir, `out_${i}`), 'utf8')).trim(), String(i));
  log('out_0..out_3 hold 0..3');

  // 2. An array of 2 long tasks: cancel task 1, requeue it, see it run again and complete.
  const long = await slurm.sbatch(
    [
      '--array=0-1',
      '--requeue',
      '--output=long_%a.out',
      '--open-mode=append',
      '--wrap',
      'echo start $(date +%T); sleep 30; echo end $(date +%T)',
    ],
    { cwd: slurm.dir },
  );
  log(`sbatch --array=0-1 (sleep 30) -> job ${long.jobId}`);
  await sleep(3000);
  log(`squeue:\n${await slurm.squeue()}`);
  await slurm.scancel([`${long.jobId}_1`]);
  await sleep(1000);
  const cancelled = (await slurm.jobs(`${long.jobId}_1`))[0];
  log(`after scancel ${long.jobId}_1: ${cancelled?.state} (job ${cancelled?.jobId})`);
  assert.equal(cancelled?.state, 'CANCELLED');
  await slurm.scontrol(['requeue', `${long.jobId}_1`]);
  const requeued = (await slurm.jobs(`${long.jobId}_1`))[0];
  log(
    `after scontrol requeue ${long.jobId}_1: ${requeued?.state} reason=${requeued?.reason} restarts=${requeued?.restarts}`,
  );
  assert.equal(requeued?.state, 'PENDING');
  for (let state = ''; state !== 'RUNNING'; await sleep(500)) {
    state = (await slurm.jobs(`${long.jobId}_1`))[0]?.state ?? '';
  }
  log(`${long.jobId}_1 RUNNING again`);
  const longStates = await slurm.waitForJobs([long.jobId], { timeoutMs: 120_000 });
  log(`waitForJobs -> ${JSON.stringify([...longStates])}`);
  for (const r of await slurm.jobs(long.jobId))
    log(`  job ${r.jobId} = ${r.arrayJobId}_${r.arrayTaskId}: ${r.state} exit=${r.exitCode} restarts=${r.restarts}`);
  assert.equal(longStates.get(long.jobId), 'COMPLETED');
  log(`long_1.out:\n${await readFile(path.join(slurm.dir, 'long_1.out'), 'utf8')}`);

  // 3. A job still running at stop() must be killed with the daemons.
  const pending = await slurm.sbatch(['--wrap', 'sleep 300'], { cwd: slurm.dir });
  await sleep(2000);
  log(`left job ${pending.jobId} running (sleep 300) for stop()`);
} finally {
  await slurm.stop();
  log('stopped');
}
