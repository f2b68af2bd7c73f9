/**
 * Parallel runs in child processes: each run is trained by `node <bin.js> run-one`, which receives
 * its job over IPC and reports progress back. Separate processes (not worker_threads) because each
 * run needs its own TF.js engine and backend; a crash in one run cannot take the others down.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '@normfree/core';
import type { RunJob } from './experiment-plan.js';
import { handleInterrupts } from './interrupt.js';
import type { RunProgress } from './progress.js';
import type { RunExecutor } from './run-executor.js';

/** Parent → child. */
interface JobMessage {
  readonly type: 'job';
  readonly job: RunJob;
  readonly resume: boolean;
}

/** Child → parent. */
type ChildMessage =
  | { readonly type: 'start'; readonly startStep: number }
  | { readonly type: 'progress'; readonly progress: RunProgress }
  | { readonly type: 'done'; readonly summary: RunSummary }
  | { readonly type: 'error'; readonly message: string };

/** The compiled CLI entry next to this file (dist/bin.js). */
export function defaultBinPath(): string {
  return fileURLToPath(new URL('./bin.js', import.meta.url));
}

/**
 * An executor that trains every run in a fresh child process.
 *
 * @param options.binPath - the compiled CLI entry (default: dist/bin.js beside this module); running
 *   from TypeScript sources (tests) needs an explicit built path.
 */
export function createForkExecutor(options: { binPath?: string } = {}): RunExecutor {
  const binPath = options.binPath ?? defaultBinPath();
  return (job, context) => {
    if (!existsSync(binPath)) {
      return Promise.reject(new Error(`--workers > 1 needs the built CLI at ${binPath}; run \`pnpm exec tsc -b\` in packages/cli, or use --workers 1`));
    }
    return new Promise<RunSummary>((resolve, reject) => {
      const child = fork(binPath, ['run-one'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let settled = false;
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'start') context.onStart?.(message.startStep);
        else if (message.type === 'progress') context.onProgress(message.progress);
        else if (message.type === 'done') {
          settled = true;
          resolve(message.summary);
        } else if (message.type === 'error') {
          settled = true;
          reject(new Error(message.message));
        }
      });
      child.on('error', (error) => {
        if (!settled) reject(error);
        settled = true;
      });
      child.on('exit', (code, signal) => {
        if (!settled) reject(new Error(`worker for ${job.runId} exited (${signal ?? `code ${code}`}) before finishing`));
        settled = true;
      });
      const message: JobMessage = { type: 'job', job, resume: context.resume };
      child.send(message);
    });
  };
}

/** The child side (`normfree run-one`): wait for one job, train it in-process, report, exit. */
export async function runOneFromParent(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('`normfree run-one` is internal: it is started by `reproduce --workers N` with an IPC channel');
  const message = await new Promise<JobMessage>((resolve) => process.once('message', (received: JobMessage) => resolve(received)));
  const { createInProcessExecutor } = await import('./train-run.js');
  const executor = createInProcessExecutor();
  const post = (reply: ChildMessage): Promise<void> => new Promise((resolve) => send(reply, undefined, undefined, () => resolve()));
  let lastSent = 0;
  // The terminal's Ctrl-C reaches this process too: stop after the step, with a checkpoint.
  const interrupts = handleInterrupts(() => undefined);
  try {
    const summary = await executor(message.job, {
      resume: message.resume,
      signal: interrupts.signal,
      onStart: (startStep) => void post({ type: 'start', startStep }),
      onProgress: (progress) => {
        // Throttle IPC: the parent's display draws at most a few times a second anyway.
        const now = Date.now();
        if (now - lastSent < 200 && progress.step < progress.steps) return;
        lastSent = now;
        void post({ type: 'progress', progress });
      },
    });
    await post({ type: 'done', summary });
  } catch (error) {
    await post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  } finally {
    interrupts.dispose();
  }
  process.disconnect?.();
}
