// A real, private, one-node SLURM cluster for tests: Debian's slurm-wlm (slurmctld + slurmd) and
// munge, started as child processes of the test with every path (state, spool, logs, pid files,
// munge socket and key) in a fresh temp dir and free TCP ports, so it collides neither with a
// system SLURM/munge nor with a second cluster started by another test worker.
//
//   bash tools/ensure-slurm.sh             # installs slurm-wlm + munge with apt when missing
//   const slurm = await startLocalSlurm(); // waits until the node is idle
//   const { jobId } = await slurm.sbatch(['--array=0-3', '--wrap', 'echo $SLURM_ARRAY_TASK_ID']);
//   await slurm.waitForJobs([jobId]);      // Map { jobId => 'COMPLETED' }
//   await slurm.stop();                    // kills the jobs, the daemons and munged, removes the dir
//
// Written for Debian 12's slurm-wlm 22.05 and munge 0.5.15. Runs as root (SlurmUser=root, jobs run
// as the submitting user). No accounting database: job states come from `scontrol show job`, and
// MinJobAge=3600 keeps finished jobs visible to it. A watchdog process kills everything and removes
// the dir if the test process dies without calling stop().
//
// What SLURM 22.05 does here (checked with tools/slurm/check-local-cluster.ts):
//   sbatch --array=0-3 ...        tasks run side by side, one CPU each (select/cons_tres, CR_CPU)
//   scancel <job>_<task>          cancels one task -> CANCELLED
//   scontrol requeue <job>_<task> works on a RUNNING, CANCELLED, COMPLETED or FAILED task (not a
//                                 PENDING one); the task goes PENDING (Reason=BeginTime) and starts
//                                 again after cred_expire + 1 s (11 s by default), Restarts=1. Every
//                                 job is requeueable (JobRequeue=1) unless submitted with
//                                 --no-requeue. The output file is truncated on the rerun unless
//                                 sbatch got --open-mode=append.
//
// Only node: imports and TypeScript (a root devDependency, loaded when a cluster starts):
// vitest transpiles this file when a test imports it; the reaper and watchdog it starts as child
// processes live in reaper.ts, compiled here with TypeScript's transpileModule.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, existsSync, openSync, closeSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ReaperArguments } from './reaper.js';

export interface StartLocalSlurmOptions {
  /** CPUs the node offers (default: what `slurmd -C` detects). More than the hardware is allowed. */
  cpus?: number;
  /** RealMemory of the node in MiB (default: detected). Memory is not a consumable resource. */
  memoryMiB?: number;
  /** How long to wait for the node to become idle (default 60 s). */
  startTimeoutMs?: number;
  /**
   * munge credential lifetime (AuthInfo cred_expire, default 10 s). SLURM holds a requeued job
   * back for cred_expire + 1 s before it can start again, so short is good for tests. (Seen with
   * 22.05: 2 s gave a 121 s hold, SLURM's own default; 10 s gives 11 s.)
   */
  credExpireSeconds?: number;
}

/** One record of `scontrol show job -o` (one per array task once the task has been split off). */
export interface SlurmJobRecord {
  readonly jobId: number;
  /** Set for array tasks: the id given by sbatch. */
  readonly arrayJobId?: number;
  /** Set for array tasks: "2", or "2-3" / "[2-3]" for tasks still pending together. */
  readonly arrayTaskId?: string;
  /** JobState, e.g. PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT. */
  readonly state: string;
  readonly reason: string;
  /** "exit:signal", e.g. "0:0", "1:0", "0:15". */
  readonly exitCode: string;
  readonly restarts: number;
  /** The whole line, for anything else (`/ Key=(\S+)/`). */
  readonly raw: string;
}

export interface LocalSlurm {
  /** Environment for sbatch/squeue/scancel/scontrol/sinfo: SLURM_CONF set, outer SLURM_* removed. */
  readonly env: NodeJS.ProcessEnv;
  /** The private temp dir (state, spool, logs, munge); removed by stop(). */
  readonly dir: string;
  /** Path of the generated slurm.conf (also env.SLURM_CONF). */
  readonly confPath: string;
  /** The node's name (`hostname -s`); the only partition is `debug`. */
  readonly nodeName: string;
  readonly cpus: number;
  /** `sbatch --parsable ...args`; rejects with sbatch's stderr when it fails. */
  sbatch(
    args: string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv },
  ): Promise<{ jobId: number; stdout: string }>;
  /** `squeue ...args` (default: all jobs, squeue's default format); returns stdout. */
  squeue(args?: string[]): Promise<string>;
  /** `scancel ...args`, e.g. ['12'] or ['12_1']. */
  scancel(args: string[]): Promise<void>;
  /** `scontrol ...args`, e.g. ['requeue', '12_1']; returns stdout. */
  scontrol(args: string[]): Promise<string>;
  /** The records of a job, or of every task of an array job; [] when SLURM does not know it. */
  jobs(jobId: number | string): Promise<SlurmJobRecord[]>;
  /**
   * Polls `scontrol show job` until every given job (for an array job: every task) has a final
   * state. The value is that state (COMPLETED, FAILED, CANCELLED, TIMEOUT, ...); for an array
   * whose tasks ended differently, the distinct states sorted and joined by ',' (e.g.
   * "CANCELLED,COMPLETED"). Per-task detail: jobs(jobId). Rejects after timeoutMs (default 120 s)
   * with the current states and the daemons' log tails.
   */
  waitForJobs(jobIds: number[], options?: { timeoutMs?: number; pollMs?: number }): Promise<Map<number, string>>;
  /** The last lines of every daemon log, for error messages. */
  logs(lines?: number): Promise<string>;
  /** Cancels all jobs, stops slurmd, slurmctld and munged, kills leftovers, removes dir. Idempotent. */
  stop(): Promise<void>;
}

const CLIENT_COMMANDS = ['sbatch', 'squeue', 'scancel', 'scontrol', 'sinfo'] as const;
const DAEMONS = ['slurmctld', 'slurmd', 'munged'] as const;
const FINAL_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
]);

function findBinary(name: string): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function requireBinary(name: string): string {
  const found = findBinary(name);
  if (found === undefined) {
    throw new Error(`${name} not found: run \`bash tools/ensure-slurm.sh\` (Debian's slurm-wlm and munge)`);
  }
  return found;
}

/** True when slurmctld, slurmd, munged and the client commands are installed (tools/ensure-slurm.sh). */
export function slurmAvailable(): boolean {
  return (
    process.platform === 'linux' && [...CLIENT_COMMANDS, ...DAEMONS].every((name) => findBinary(name) !== undefined)
  );
}

interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

function run(
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number },
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        env: options.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({
          stdout,
          stderr: stderr + (error !== null && typeof error.code !== 'number' ? `\n${error.message}` : ''),
          code,
        });
      },
    );
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

async function tail(file: string, lines: number): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n')
      .trimEnd();
  } catch {
    return '(missing)';
  }
}

function field(line: string, key: string): string | undefined {
  const match = new RegExp(`(?:^| )${key}=(\\S*)`).exec(line);
  return match?.[1];
}

function parseJobRecords(stdout: string): SlurmJobRecord[] {
  const records: SlurmJobRecord[] = [];
  for (const line of stdout.split('\n')) {
    const jobId = Number(field(line, 'JobId'));
    if (!Number.isInteger(jobId) || jobId <= 0) continue;
    const arrayJobId = field(line, 'ArrayJobId');
    const arrayTaskId = field(line, 'ArrayTaskId');
    records.push({
      jobId,
      ...(arrayJobId !== undefined ? { arrayJobId: Number(arrayJobId) } : {}),
      ...(arrayTaskId !== undefined ? { arrayTaskId } : {}),
      state: field(line, 'JobState') ?? 'UNKNOWN',
      reason: field(line, 'Reason') ?? '',
      exitCode: field(line, 'ExitCode') ?? '',
      restarts: Number(field(line, 'Restarts') ?? 0),
      raw: line,
    });
  }
  return records;
}

let reaperScript: Promise<string> | undefined;

/**
 * reaper.ts (the reaper and the watchdog, typed) compiled to one ES module that runs its command
 * line: Node 20 runs no TypeScript, and the watchdog must outlive this process, so both run as
 * `node --input-type=module -e <script> <ReaperArguments>`. Compiled once per process, on first use.
 */
function compiledReaper(): Promise<string> {
  reaperScript ??= (async () => {
    const { default: typescript } = await import('typescript');
    const source = await readFile(new URL('./reaper.ts', import.meta.url), 'utf8');
    const { outputText } = typescript.transpileModule(source, {
      fileName: 'reaper.ts',
      compilerOptions: { module: typescript.ModuleKind.ESNext, target: typescript.ScriptTarget.ES2022 },
    });
    return `${outputText}\nawait runReaperCommand(process.argv.slice(1));\n`;
  })();
  return reaperScript;
}

/** The arguments of `node` (process.execPath) that run one reaper command in a child process. */
export async function reaperNodeArguments(args: ReaperArguments): Promise<string[]> {
  return ['--input-type=module', '-e', await compiledReaper(), ...args];
}

function childExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (childExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function cleanEnv(confPath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // An outer SLURM job's (or a system cluster's) settings must not leak into this cluster.
    if (
      key.startsWith('SLURM_') ||
      key.startsWith('SBATCH_') ||
      key.startsWith('SQUEUE_') ||
      key.startsWith('SCONTROL_')
    )
      continue;
    env[key] = value;
  }
  const pathDirs = (env['PATH'] ?? '').split(':').filter(Boolean);
  for (const extra of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) if (!pathDirs.includes(extra)) pathDirs.push(extra);
  env['PATH'] = pathDirs.join(':');
  env['SLURM_CONF'] = confPath;
  return env;
}

async function detectHardware(slurmd: string, env: NodeJS.ProcessEnv): Promise<{ cpus: number; memoryMiB: number }> {
  const result = await run(slurmd, ['-C'], { env });
  const cpus = Number(field(result.stdout.replace(/\n/g, ' '), 'CPUs'));
  const memoryMiB = Number(field(result.stdout.replace(/\n/g, ' '), 'RealMemory'));
  return {
    cpus: Number.isInteger(cpus) && cpus > 0 ? cpus : os.cpus().length,
    memoryMiB: Number.isInteger(memoryMiB) && memoryMiB > 0 ? memoryMiB : Math.floor(os.totalmem() / 2 ** 20),
  };
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'root');
  }
}

/**
 * Starts munged, slurmctld and slurmd for a one-node cluster and waits until the node is idle.
 * Rejects (with the daemons' log tails) when something fails; nothing is left running then.
 */
export async function startLocalSlurm(options: StartLocalSlurmOptions = {}): Promise<LocalSlurm> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
      // Another process took one of the picked ports between the pick and the bind: pick again.
      if (!/bind|Address already in use/i.test(String(error))) throw error;
    }
  }
  throw lastError;
}

async function startOnce(options: StartLocalSlurmOptions): Promise<LocalSlurm> {
  if (process.platform !== 'linux') throw new Error('startLocalSlurm: Linux only');
  const bin = {
    munged: requireBinary('munged'),
    slurmctld: requireBinary('slurmctld'),
    slurmd: requireBinary('slurmd'),
    sbatch: requireBinary('sbatch'),
    squeue: requireBinary('squeue'),
    scancel: requireBinary('scancel'),
    scontrol: requireBinary('scontrol'),
    sinfo: requireBinary('sinfo'),
  };

  // Short base: the munge socket path must fit in sockaddr_un (108 bytes).
  const base = os.tmpdir().length <= 40 ? os.tmpdir() : '/tmp';
  const dir = await mkdtemp(path.join(base, 'normfree-slurm-'));
  // munged insists that everyone can traverse the socket's directory.
  await chmod(dir, 0o755);
  const confPath = path.join(dir, 'slurm.conf');
  const env = cleanEnv(confPath);
  const logDir = path.join(dir, 'log');
  const mungeDir = path.join(dir, 'munge');
  const socket = path.join(mungeDir, 'munge.socket');
  const children: { name: string; child: ChildProcess }[] = [];
  let watchdog: ChildProcess | undefined;
  let stopped = false;

  const logFiles = [
    path.join(logDir, 'munged.log'),
    path.join(logDir, 'slurmctld.log'),
    path.join(logDir, 'slurmctld.stderr'),
    path.join(logDir, 'slurmd.log'),
    path.join(logDir, 'slurmd.stderr'),
  ];
  const logs = async (lines = 25): Promise<string> => {
    const parts = await Promise.all(
      logFiles.map(async (file) => `--- ${path.basename(file)} (last ${lines} lines) ---\n${await tail(file, lines)}`),
    );
    return parts.join('\n');
  };

  const reap = async (): Promise<void> => {
    await run(process.execPath, await reaperNodeArguments(['reap', dir, confPath]), {
      env: process.env,
      cwd: '/',
      timeoutMs: 60_000,
    });
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const ctld = children.find((c) => c.name === 'slurmctld');
    if (ctld !== undefined && !childExited(ctld.child)) {
      // Cancel every job so slurmd tears the steps down itself; the reaper catches the rest.
      await run(bin.scancel, ['--partition=debug'], { env, timeoutMs: 10_000 });
      const deadline = Date.now() + 8_000;
      while (Date.now() < deadline) {
        const queue = await run(bin.squeue, ['-h', '-t', 'RUNNING,COMPLETING,CONFIGURING', '-o', '%i'], {
          env,
          timeoutMs: 5_000,
        });
        if (queue.code !== 0 || queue.stdout.trim() === '') break;
        await sleep(250);
      }
    }
    // slurmd first (it must not see a dead controller's jobs), then the controller, then munge.
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      for (const { child } of children.filter((c) => c.name === name)) {
        if (childExited(child)) continue;
        child.kill('SIGTERM');
        if (!(await waitExit(child, 5_000))) {
          child.kill('SIGKILL');
          await waitExit(child, 2_000);
        }
      }
    }
    await reap();
    if (watchdog !== undefined && !childExited(watchdog)) watchdog.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  };

  const startDaemon = (name: string, file: string, args: string[], stderrFile: string): ChildProcess => {
    const fd = openSync(stderrFile, 'a');
    try {
      const child = spawn(file, args, { cwd: dir, env, stdio: ['ignore', fd, fd] });
      child.on('error', () => {
        // spawn errors show up as an exit; the log tails tell the rest
      });
      children.push({ name, child });
      return child;
    } finally {
      closeSync(fd);
    }
  };

  const fail = async (message: string): Promise<never> => {
    const text = `startLocalSlurm: ${message}\n${await logs(40)}`;
    await stop();
    throw new Error(text);
  };

  try {
    await mkdir(logDir, { mode: 0o755 });
    await mkdir(mungeDir, { mode: 0o755 });
    await mkdir(path.join(dir, 'state'), { mode: 0o755 });
    await mkdir(path.join(dir, 'spool'), { mode: 0o755 });
    await writeFile(path.join(dir, 'plugstack.conf'), '');

    // The watchdog goes first so that a crash anywhere below still cleans up.
    const watchdogArguments = await reaperNodeArguments(['watch', dir, confPath, String(process.pid)]);
    watchdog = spawn(process.execPath, watchdogArguments, {
      cwd: '/',
      env: { PATH: env['PATH'] ?? '/usr/bin:/bin' },
      stdio: 'ignore',
      detached: true,
    });
    watchdog.unref();

    // munge: private key, socket, pid and seed files; foreground, logging to stderr (munged.log).
    const keyFile = path.join(mungeDir, 'munge.key');
    await writeFile(keyFile, randomBytes(128), { mode: 0o600 });
    const munged = startDaemon(
      'munged',
      bin.munged,
      [
        '--foreground',
        '--force',
        `--socket=${socket}`,
        `--key-file=${keyFile}`,
        `--pid-file=${path.join(mungeDir, 'munged.pid')}`,
        `--seed-file=${path.join(mungeDir, 'munged.seed')}`,
      ],
      path.join(logDir, 'munged.log'),
    );
    for (let deadline = Date.now() + 10_000; !existsSync(socket); await sleep(50)) {
      if (childExited(munged)) return await fail(`munged exited (${munged.exitCode ?? munged.signalCode})`);
      if (Date.now() > deadline) return await fail(`munged did not create ${socket} within 10 s`);
    }

    const hardware = await detectHardware(bin.slurmd, env);
    const cpus = options.cpus ?? hardware.cpus;
    const memoryMiB = options.memoryMiB ?? hardware.memoryMiB;
    // slurmctld only runs on a host named in SlurmctldHost, and compares with the short hostname.
    const nodeName = os.hostname().split('.')[0] || 'localhost';
    const ctldPort = await freePort();
    let slurmdPort = await freePort();
    while (slurmdPort === ctldPort) slurmdPort = await freePort();
    const user = userName();
    const clusterName = `nf${randomBytes(4).toString('hex')}`;

    const conf = [
      `# generated by tools/slurm/local-cluster.ts for a private test cluster`,
      `ClusterName=${clusterName}`,
      `SlurmctldHost=${nodeName}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      `AuthType=auth/munge`,
      `CredType=cred/munge`,
      `AuthInfo=socket=${socket},cred_expire=${options.credExpireSeconds ?? 10}`,
      `SlurmUser=${user}`,
      `SlurmdUser=${user}`,
      `StateSaveLocation=${path.join(dir, 'state')}`,
      `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
      `SlurmctldPidFile=${path.join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${path.join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${path.join(logDir, 'slurmctld.log')}`,
      `SlurmdLogFile=${path.join(logDir, 'slurmd.log')}`,
      `SlurmctldDebug=info`,
      `SlurmdDebug=info`,
      `PlugStackConfig=${path.join(dir, 'plugstack.conf')}`,
      `ProctrackType=proctrack/linuxproc`,
      `TaskPlugin=task/none`,
      `JobAcctGatherType=jobacct_gather/none`,
      `AccountingStorageType=accounting_storage/none`,
      `JobCompType=jobcomp/none`,
      `JobContainerType=job_container/none`,
      `MpiDefault=none`,
      `SelectType=select/cons_tres`,
      `SelectTypeParameters=CR_CPU`,
      // Accept cpus/memoryMiB that differ from the hardware instead of draining the node.
      `SlurmdParameters=config_overrides`,
      `SchedulerType=sched/backfill`,
      `SchedulerParameters=sched_interval=1,bf_interval=1`,
      `ReturnToService=2`,
      `JobRequeue=1`,
      `MinJobAge=3600`,
      `KillWait=2`,
      `InactiveLimit=0`,
      `Waittime=0`,
      `SlurmdTimeout=300`,
      `SlurmctldTimeout=120`,
      `MailProg=/bin/true`,
      `NodeName=${nodeName} NodeHostname=${nodeName} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memoryMiB} State=UNKNOWN`,
      `PartitionName=debug Nodes=${nodeName} Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO`,
      '',
    ].join('\n');
    await writeFile(confPath, conf);

    const slurmctld = startDaemon(
      'slurmctld',
      bin.slurmctld,
      ['-D', '-f', confPath],
      path.join(logDir, 'slurmctld.stderr'),
    );
    const slurmd = startDaemon(
      'slurmd',
      bin.slurmd,
      ['-D', '-f', confPath, '-N', nodeName],
      path.join(logDir, 'slurmd.stderr'),
    );

    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + startTimeoutMs;
    let lastState = '';
    for (;;) {
      for (const [name, child] of [
        ['munged', munged],
        ['slurmctld', slurmctld],
        ['slurmd', slurmd],
      ] as const) {
        if (childExited(child))
          return await fail(`${name} exited (${child.exitCode ?? child.signalCode}) during start`);
      }
      const info = await run(bin.sinfo, ['-h', '-N', '-o', '%T'], { env, timeoutMs: 10_000 });
      lastState = info.code === 0 ? info.stdout.trim() : `sinfo failed: ${info.stderr.trim()}`;
      if (info.code === 0 && /^idle\b/.test(lastState)) break;
      if (Date.now() > deadline) return await fail(`node not idle after ${startTimeoutMs} ms (last: ${lastState})`);
      await sleep(250);
    }

    const client = async (
      file: string,
      args: string[],
      cwd?: string,
      extraEnv?: NodeJS.ProcessEnv,
    ): Promise<string> => {
      const result = await run(file, args, {
        env: extraEnv === undefined ? env : { ...env, ...extraEnv, SLURM_CONF: confPath },
        ...(cwd !== undefined ? { cwd } : {}),
      });
      if (result.code !== 0) {
        throw new Error(
          `${path.basename(file)} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
        );
      }
      return result.stdout;
    };

    const jobs = async (jobId: number | string): Promise<SlurmJobRecord[]> => {
      const result = await run(bin.scontrol, ['show', 'job', '-o', String(jobId)], { env });
      if (result.code !== 0) {
        if (/Invalid job id/i.test(result.stderr)) return [];
        throw new Error(`scontrol show job ${jobId} failed (exit ${result.code}): ${result.stderr.trim()}`);
      }
      return parseJobRecords(result.stdout);
    };

    const cluster: LocalSlurm = {
      env,
      dir,
      confPath,
      nodeName,
      cpus,
      async sbatch(args, sbatchOptions = {}) {
        const stdout = await client(bin.sbatch, ['--parsable', ...args], sbatchOptions.cwd, sbatchOptions.env);
        const match = /^(\d+)/.exec(stdout.trim());
        if (match?.[1] === undefined) throw new Error(`sbatch printed no job id: ${stdout}`);
        return { jobId: Number(match[1]), stdout };
      },
      squeue: (args = []) => client(bin.squeue, args),
      async scancel(args) {
        await client(bin.scancel, args);
      },
      scontrol: (args) => client(bin.scontrol, args),
      jobs,
      async waitForJobs(jobIds, waitOptions = {}) {
        const timeoutMs = waitOptions.timeoutMs ?? 120_000;
        const pollMs = waitOptions.pollMs ?? 500;
        const until = Date.now() + timeoutMs;
        const last = new Map<number, SlurmJobRecord[]>();
        const done = new Map<number, string>();
        for (;;) {
          for (const id of jobIds) {
            if (done.has(id)) continue;
            const records = await jobs(id);
            if (records.length === 0) {
              const seen = last.get(id);
              if (seen === undefined) throw new Error(`waitForJobs: SLURM does not know job ${id}`);
              // Purged (older than MinJobAge): keep the last states seen.
              done.set(id, [...new Set(seen.map((r) => r.state))].sort().join(','));
              continue;
            }
            last.set(id, records);
            if (records.every((r) => FINAL_STATES.has(r.state))) {
              done.set(id, [...new Set(records.map((r) => r.state))].sort().join(','));
            }
          }
          if (done.size === new Set(jobIds).size) return done;
          if (Date.now() > until) {
            const states = [...last.entries()]
              .map(
                ([id, records]) =>
                  `${id}: ${records.map((r) => `${r.jobId}${r.arrayTaskId !== undefined ? `(${r.arrayJobId}_${r.arrayTaskId})` : ''}=${r.state}/${r.reason}`).join(' ')}`,
              )
              .join('; ');
            throw new Error(`waitForJobs: jobs not finished after ${timeoutMs} ms: ${states}\n${await logs(25)}`);
          }
          await sleep(pollMs);
        }
      },
      logs,
      stop,
    };
    return cluster;
  } catch (error) {
    if (!stopped) {
      const text = `${error instanceof Error ? error.message : String(error)}\n${await logs(40)}`;
      await stop();
      throw new Error(`startLocalSlurm: ${text}`, { cause: error });
    }
    throw error;
  }
}
