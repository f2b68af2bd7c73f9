import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reaperNodeArguments } from '../../../tools/slurm/local-cluster.js';

// The SLURM test cluster's reaper and watchdog (tools/slurm/reaper.ts), compiled and run as child
// processes the way local-cluster.ts runs them, on stand-in "cluster" processes (sleep) instead of
// real daemons: no SLURM needed, only Linux's /proc.
const started: ChildProcess[] = [];
const folders: string[] = [];

function startSleep(options: { cwd: string; env?: NodeJS.ProcessEnv }): ChildProcess {
  const child = spawn('sleep', ['600'], { cwd: options.cwd, env: options.env ?? {}, stdio: 'ignore' });
  started.push(child);
  return child;
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function clusterFolder(): Promise<{ dir: string; conf: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'normfree-reaper-'));
  folders.push(dir);
  await mkdir(join(dir, 'spool'));
  return { dir, conf: join(dir, 'slurm.conf') };
}

afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe.skipIf(process.platform !== 'linux')('the SLURM test cluster reaper (tools/slurm/reaper.ts)', () => {
  it('should kill processes working under the cluster dir or carrying its SLURM_CONF, and nothing else', async () => {
    const { dir, conf } = await clusterFolder();
    const daemon = startSleep({ cwd: join(dir, 'spool') });
    const job = startSleep({ cwd: '/', env: { SLURM_CONF: conf } });
    const bystander = startSleep({ cwd: '/', env: { SLURM_CONF: `${conf}.other` } });
    const reaper = spawn(process.execPath, await reaperNodeArguments(['reap', dir, conf]), { stdio: 'ignore' });
    expect(await exited(reaper, 30_000)).toBe(true);
    expect(reaper.exitCode).toBe(0);
    expect(await exited(daemon, 5_000)).toBe(true);
    expect(await exited(job, 5_000)).toBe(true);
    expect(await exited(bystander, 500)).toBe(false);
  }, 40_000);

  it('should reap the cluster and remove its dir once the watched process dies', async () => {
    const { dir, conf } = await clusterFolder();
    const daemon = startSleep({ cwd: join(dir, 'spool') });
    const watched = startSleep({ cwd: '/' });
    const watchdog = spawn(process.execPath, await reaperNodeArguments(['watch', dir, conf, String(watched.pid)]), {
      stdio: 'ignore',
    });
    started.push(watchdog);
    // While the watched process lives, the watchdog waits.
    expect(await exited(watchdog, 1_500)).toBe(false);
    expect(existsSync(dir)).toBe(true);
    watched.kill('SIGKILL');
    expect(await exited(watchdog, 20_000)).toBe(true);
    expect(watchdog.exitCode).toBe(0);
    expect(await exited(daemon, 1_000)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, 40_000);
});
