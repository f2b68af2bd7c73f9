// The reaper and the watchdog of a local SLURM test cluster (local-cluster.ts), as a typed module.
//
// reap: kills every process of one cluster: whatever has its cwd or an open file under the cluster
// dir (slurmctld, slurmd, munged, slurmstepd: it keeps the slurmd log open), whatever has
// SLURM_CONF=<this conf> in its environment (job processes), and the whole session of every
// slurmstepd found (job processes that dropped their environment). Never the reaper itself or its
// ancestors (the test process among them).
//
// watch: waits while the test process lives and the dir exists; when the test process dies without
// calling stop(), reaps the cluster and removes the dir.
//
// Both run in a child process of their own (`node --input-type=module -e <this file compiled>`),
// the watchdog detached so that it outlives the test process: local-cluster.ts compiles this file
// with TypeScript's transpileModule when it starts a cluster (Node 20 runs no TypeScript) and calls
// runReaperCommand with the child's arguments. Only node: imports, so the compiled file runs alone.
// Type-checked with @normfree/cli's tests (packages/cli/tsconfig.check.json), which import
// local-cluster.ts, which imports the types below.
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';

/** What a reaper child is asked to do: its command line after `node -e <script>`. */
export type ReaperArguments =
  | readonly [command: 'reap', dir: string, conf: string]
  | readonly [command: 'watch', dir: string, conf: string, parentPid: string];

/** The fields of /proc/<pid>/stat the reaper needs. */
interface ProcessStat {
  /** Executable name (truncated to 15 characters by the kernel). */
  readonly comm: string;
  readonly ppid: number;
  /** Session id. */
  readonly sid: number;
}

/** Rounds of killing before giving up: two of SIGTERM, then SIGKILL. */
const reapRounds = 20;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads /proc/<pid>/stat; undefined when the process is gone. */
function statOf(pid: number): ProcessStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may hold spaces and parentheses: the fields after it start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
      ppid: Number(rest[1]),
      sid: Number(rest[3]),
    };
  } catch {
    return undefined;
  }
}

/** init, this process and its ancestors: never killed. */
function protectedPids(): Set<number> {
  const keep = new Set([1, process.pid]);
  let pid = process.pid;
  for (let depth = 0; depth < 64; depth++) {
    const stat = statOf(pid);
    if (stat === undefined || stat.ppid <= 1) break;
    keep.add(stat.ppid);
    pid = stat.ppid;
  }
  return keep;
}

/** Whether the process has its cwd or an open file under `isUnder`, or SLURM_CONF=`conf` in its environment. */
function belongsToCluster(pid: number, isUnder: (path: string) => boolean, conf: string): boolean {
  try {
    if (isUnder(readlinkSync(`/proc/${pid}/cwd`))) return true;
  } catch {
    // gone, or not ours to read
  }
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (isUnder(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
      } catch {
        // the descriptor closed meanwhile
      }
    }
  } catch {
    // gone, or not ours to read
  }
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`SLURM_CONF=${conf}`);
  } catch {
    return false;
  }
}

/** The pids of the cluster's processes now (see the file header), none of `keep`. */
function scan(dir: string, conf: string, keep: ReadonlySet<number>): number[] {
  const isUnder = (path: string): boolean => path === dir || path.startsWith(`${dir}/`);
  const ownSession = statOf(process.pid)?.sid;
  const hits = new Set<number>();
  const sessions = new Set<number>();
  const all: [number, ProcessStat][] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    const pid = Number(name);
    const stat = statOf(pid);
    if (stat === undefined) continue;
    all.push([pid, stat]);
    if (keep.has(pid) || !belongsToCluster(pid, isUnder, conf)) continue;
    hits.add(pid);
    if (stat.comm.startsWith('slurmstepd') && stat.sid !== ownSession && stat.sid > 1) sessions.add(stat.sid);
  }
  for (const [pid, stat] of all) if (sessions.has(stat.sid) && !keep.has(pid)) hits.add(pid);
  return [...hits];
}

/** Kills the cluster's processes: SIGTERM twice a second apart, then SIGKILL every 250 ms until none is left. */
export async function reap(dir: string, conf: string): Promise<void> {
  const keep = protectedPids();
  for (let round = 0; round < reapRounds; round++) {
    const pids = scan(dir, conf, keep);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, round < 2 ? 'SIGTERM' : 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(round < 2 ? 1000 : 250);
  }
}

/** Whether a process lives (EPERM: it does, but is not ours to signal). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The watchdog: once `parentPid` is gone while `dir` still exists, reaps the cluster and removes the dir. */
export async function watch(dir: string, conf: string, parentPid: number): Promise<void> {
  while (isAlive(parentPid) && existsSync(dir)) await sleep(1000);
  if (!existsSync(dir)) return;
  await reap(dir, conf);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs one reaper command and exits the process: 0 when done, 1 on an error (printed for `reap`;
 * the detached watchdog has nowhere to print).
 */
export async function runReaperCommand(args: ReaperArguments): Promise<never> {
  try {
    if (args[0] === 'reap') await reap(args[1], args[2]);
    else await watch(args[1], args[2], Number(args[3]));
    process.exit(0);
  } catch (error) {
    if (args[0] === 'reap') console.error(error);
    process.exit(1);
  }
}
