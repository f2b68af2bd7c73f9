/**
 * Parallel runs in child processes: each run is trained by `node worker.js` (this package's
 * dist/node/worker.js), which receives its job over IPC, trains it with the in-process executor and
 * reports progress back. Separate processes (not worker_threads) because each run needs its own
 * TF.js engine and backend; a crash in one run cannot take the others down. The job carries its
 * plug-in activation modules, which the worker imports before building the model.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '@normfree/core';
import { errorMessage } from '../errors.js';
import type { RunExecutor } from '../executor.js';
import type { RunJob } from '../plan.js';
import type { RunProgress } from '../progress.js';
import { handleInterrupts } from './interrupt.js';

/** Parent → child. */
interface JobMessage {
  readonly type: 'job';
  readonly job: RunJob;
  readonly resume: boolean;
}

/** Parent → child: stop after the current step. */
interface StopMessage {
  readonly type: 'stop';
}

/** Child → parent. */
type ChildMessage =
  | { readonly type: 'start'; readonly startStep: number }
  | { readonly type: 'progress'; readonly progress: RunProgress }
  | { readonly type: 'done'; readonly summary: RunSummary }
  | { readonly type: 'error'; readonly message: string };

/** The compiled worker entry next to this file (dist/node/worker.js). */
export function defaultWorkerPath(): string {
  return fileURLToPath(new URL('./worker.js', import.meta.url));
}

/**
 * An executor that trains every run in a fresh child process.
 *
 * @param options.workerPath - the compiled worker entry (default: dist/node/worker.js beside this
 *   module); running from TypeScript sources (tests) needs an explicit built path.
 */
export function createForkExecutor(options: { workerPath?: string } = {}): RunExecutor {
  const workerPath = options.workerPath ?? defaultWorkerPath();
  return (job, context) => {
    if (!existsSync(workerPath)) {
      return Promise.reject(
        new Error(
          `parallel runs need the built worker at ${workerPath} (build @normfree/experiment: \`pnpm exec tsc -b\` in packages/experiment), or train one run at a time`,
        ),
      );
    }
    return new Promise<RunSummary>((resolve, reject) => {
      const child = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
        if (!settled)
          reject(new Error(`worker for ${job.runId} exited (${signal ?? `code ${code}`}) before finishing`));
        settled = true;
      });
      // A stop request in the parent (its Ctrl-C, SIGTERM, or a caller's signal): the worker stops
      // after its current step, with a checkpoint and a `stopped` summary, exactly like an
      // in-process run. Sent as a message, not a signal: a terminal's Ctrl-C also reaches the worker
      // itself, and a second signal would make it quit at once, without its checkpoint.
      const stop = (): void => {
        if (child.connected) child.send({ type: 'stop' } satisfies StopMessage);
      };
      if (context.signal?.aborted === true) stop();
      context.signal?.addEventListener('abort', stop, { once: true });
      child.once('exit', () => context.signal?.removeEventListener('abort', stop));
      const message: JobMessage = { type: 'job', job, resume: context.resume };
      child.send(message);
    });
  };
}

/** The child side (worker.js): wait for one job, train it in-process, report, exit. */
export async function runWorker(): Promise<void> {
  const send = process.send?.bind(process);
  if (send === undefined)
    throw new Error('worker.js is started by the fork executor with an IPC channel; it is not run by hand');
  const stopRequested = new AbortController();
  const message = await new Promise<JobMessage>((resolve) =>
    process.on('message', (received: JobMessage | StopMessage) => {
      if (received.type === 'job') resolve(received);
      else stopRequested.abort();
    }),
  );
  const { createInProcessExecutor } = await import('./in-process-executor.js');
  const executor = createInProcessExecutor();
  const post = (reply: ChildMessage): Promise<void> =>
    process.connected
      ? new Promise((resolve) => send(reply, undefined, undefined, () => resolve()))
      : Promise.resolve();
  let lastSent = 0;
  // The terminal's Ctrl-C (or the parent's SIGTERM) reaches this process: stop after the step, with
  // a checkpoint. So does the parent's death: a worker whose parent is gone (killed, crashed) stops
  // too, instead of training on as an orphan nobody waits for.
  const interrupts = handleInterrupts(() => undefined);
  const orphaned = new AbortController();
  process.once('disconnect', () => orphaned.abort());
  try {
    const summary = await executor(message.job, {
      resume: message.resume,
      signal: AbortSignal.any([interrupts.signal, orphaned.signal, stopRequested.signal]),
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
    await post({ type: 'error', message: errorMessage(error) });
  } finally {
    interrupts.dispose();
    // webgpu: dawn.node's navigator.gpu keeps the event loop (and so this process) alive until removed.
    (await import('@normfree/backend')).releaseBackend();
  }
  process.removeAllListeners('message');
  process.disconnect?.();
}
