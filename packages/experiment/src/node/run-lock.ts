/**
 * One lock file per run, `<experiment>/locks/<runId>.lock`, so two jobs (two array tasks, a task
 * and a requeued copy of it, a local `reproduce` beside a cluster job) never train the same run at
 * once, also on different machines that share the experiment folder.
 *
 * The lock is created with O_EXCL (`open(…, 'wx')`, atomic on local file systems and NFSv3+) and
 * holds the owner's host, pid and start time; the owner touches it every `heartbeatMs` while it
 * trains. A lock is stale, and is taken over, when its process is gone (same host: `kill(pid, 0)`
 * fails) or its heartbeat is older than `staleAfterMs` (another host, which we cannot ask). Taking
 * over renames the stale file away first: rename is atomic, so of two jobs taking over at once only
 * one wins, and the other sees the winner's fresh lock.
 */
import { mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ExperimentInputError } from '../errors.js';

export const locksFolderName = 'locks';

export interface RunLockOwner {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
}

/** A lock file's content ({@link RunLockOwner}); a file that does not fit it is judged by its age alone. */
const ownerSchema = z.object({ host: z.string(), pid: z.int().min(1), startedAt: z.string() });

export interface RunLockInfo {
  readonly owner: RunLockOwner | undefined;
  /** Milliseconds since the owner last touched the lock. */
  readonly ageMs: number;
  /** Whether the owner is gone (its process is not running, or its heartbeat is too old). */
  readonly stale: boolean;
}

export interface RunLock {
  readonly path: string;
  /** Stop the heartbeat and remove the lock (only if it is still ours). */
  release(): Promise<void>;
}

export interface RunLockOptions {
  /** How often the owner touches its lock (default 30 s). */
  readonly heartbeatMs?: number;
  /** A lock untouched for this long is stale when its host is another machine (default 5 min). */
  readonly staleAfterMs?: number;
  readonly now?: () => number;
}

const defaults = { heartbeatMs: 30_000, staleAfterMs: 300_000 };

/** The lock file of a run. */
export function runLockPath(experimentDir: string, runId: string): string {
  return join(experimentDir, locksFolderName, `${runId}.lock`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, not ours to signal
  }
}

/** Read a lock file; undefined when there is none. */
export async function readRunLock(path: string, options: RunLockOptions = {}): Promise<RunLockInfo | undefined> {
  const now = options.now ?? Date.now;
  let text: string;
  let modified: number;
  try {
    [text, modified] = await Promise.all([readFile(path, 'utf8'), stat(path).then((info) => info.mtimeMs)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  // A lock cut off while being written (or otherwise damaged) has no owner: it is judged by its age alone.
  const parsed = ownerSchema.safeParse(json);
  const owner: RunLockOwner | undefined = parsed.success ? parsed.data : undefined;
  const ageMs = Math.max(0, now() - modified);
  const stale =
    owner !== undefined && owner.host === hostname()
      ? !processAlive(owner.pid)
      : ageMs > (options.staleAfterMs ?? defaults.staleAfterMs);
  return { owner, ageMs, stale };
}

function describeOwner(owner: RunLockOwner | undefined): string {
  return owner === undefined
    ? 'an unreadable lock'
    : `process ${owner.pid} on ${owner.host} (since ${owner.startedAt})`;
}

function readOnlyError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new ExperimentInputError(
      `cannot write ${path} (${code}): the experiment folder must be writable by the job that trains a run`,
    );
  }
  return error as Error;
}

/**
 * Take the lock of run `runId`, taking over a stale one.
 * @throws ExperimentInputError when a live job holds it (naming host and pid), or the folder is read-only.
 */
export async function acquireRunLock(
  experimentDir: string,
  runId: string,
  options: RunLockOptions = {},
): Promise<RunLock> {
  const path = runLockPath(experimentDir, runId);
  try {
    await mkdir(join(experimentDir, locksFolderName), { recursive: true });
  } catch (error) {
    throw readOnlyError(error, join(experimentDir, locksFolderName));
  }
  const owner: RunLockOwner = {
    host: hostname(),
    pid: process.pid,
    startedAt: new Date((options.now ?? Date.now)()).toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(owner)}\n`);
      } finally {
        await handle.close();
      }
      return heldLock(path, owner, options.heartbeatMs ?? defaults.heartbeatMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw readOnlyError(error, path);
    }
    const existing = await readRunLock(path, options);
    if (existing === undefined) continue; // released in between: try again
    if (!existing.stale) {
      throw new ExperimentInputError(
        `run ${runId} is being trained by ${describeOwner(existing.owner)} (lock ${path}, touched ${Math.round(existing.ageMs / 1000)} s ago); nothing was changed`,
      );
    }
    // Stale: move it aside (atomic; one taker wins), then create ours on the next attempt.
    await rename(path, `${path}.stale-${owner.host}-${owner.pid}`).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rm(`${path}.stale-${owner.host}-${owner.pid}`, { force: true });
  }
  throw new ExperimentInputError(
    `run ${runId}: could not take the lock ${path} (another job took it at the same moment)`,
  );
}

function heldLock(path: string, owner: RunLockOwner, heartbeatMs: number): RunLock {
  const timer = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined); // a missed beat only makes the lock look older
  }, heartbeatMs);
  timer.unref();
  return {
    path,
    async release() {
      clearInterval(timer);
      const current = await readRunLock(path).catch(() => undefined);
      if (current?.owner?.host === owner.host && current.owner.pid === owner.pid) await rm(path, { force: true });
    },
  };
}
