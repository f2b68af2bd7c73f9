/**
 * `normfree train`: one configuration, one seed, into one run folder. Every preset field the
 * command line can override is an option; the run folder is refused when it holds anything but this
 * run (and this run only with `--resume`).
 */
import { readdir } from 'node:fs/promises';
import { getPreset } from '@normfree/core';
import { UsageError, exitCodes } from '../errors.js';
import { defaultOutDir, readRunState } from '../experiment-directory.js';
import { handleInterrupts } from '../interrupt.js';
import { createRunJob, runId, type RunJob } from '../experiment-plan.js';
import type { CliBackendName } from '../option-parsers.js';
import type { CliIo } from '../program.js';
import type { ProgressDisplay } from '../progress.js';
import type { RunExecutor } from '../run-executor.js';
import type { Overrides } from '../run-settings.js';
import { asUsageError } from './reproduce.js';

export interface TrainCommandOptions {
  readonly preset: string;
  readonly configuration: string;
  readonly seed: number;
  readonly overrides: Overrides;
  readonly backend: CliBackendName;
  /** Native kernels on wasm when available (`--no-native` turns them off). */
  readonly nativeKernels?: boolean;
  readonly outDir: string | undefined;
  readonly runsBase: string;
  readonly resume: boolean;
  readonly now: Date;
  readonly io: CliIo;
  readonly progress: ProgressDisplay;
  readonly executor: RunExecutor;
}

export async function trainCommand(options: TrainCommandOptions): Promise<number> {
  const { io } = options;
  const preset = asUsageError(() => getPreset(options.preset));
  // Validated before any folder is touched; the folder is filled in once it is known.
  const planned = asUsageError(() =>
    createRunJob({ preset, configuration: options.configuration, seed: options.seed, overrides: options.overrides, backend: options.backend, nativeKernels: options.nativeKernels, runDir: '' }),
  );
  const name = planned.runId;

  const runDir = options.outDir ?? (await defaultOutDir({ base: options.runsBase, name: `train-${name}`, now: options.now, resume: options.resume }));

  const state = await readRunState(runDir);
  if (state.kind !== 'new') {
    const summary = state.kind === 'finished' ? state.summary : state.summary;
    if (summary !== undefined && (summary.configuration !== planned.configuration || summary.seed !== options.seed)) {
      throw new UsageError(`--out '${runDir}' holds run ${runId(summary.configuration, summary.seed)}, not ${name}; nothing was overwritten. Choose another --out.`);
    }
    const names = await readdir(runDir);
    if (summary === undefined && !names.includes('config.json') && !names.includes('logs.jsonl')) {
      throw new UsageError(`--out '${runDir}' is not empty and is not a normfree run folder; nothing was written. Choose another --out.`);
    }
    if (!options.resume) throw new UsageError(`--out '${runDir}' already holds run ${name}; pass --resume to continue it, or choose another --out`);
    if (state.kind === 'finished') {
      io.stdout(`${name} in ${runDir} already finished (${state.summary.status}); nothing to do\n`);
      return exitCodes.ok;
    }
  }

  const job: RunJob = { ...planned, runDir };
  io.stderr(`[normfree] training ${name} (${planned.label}) with preset ${preset.name}, ${job.training.steps} steps, backend ${options.backend} → ${runDir}\n`);
  let started = false;
  const interrupts = handleInterrupts(() => io.stderr('\n[normfree] stopping after the current step (a checkpoint is written); Ctrl-C again quits at once\n'));
  try {
    const summary = await options.executor(job, {
      resume: state.kind === 'unfinished',
      signal: interrupts.signal,
      onStart: (startStep) => {
        if (!started) options.progress.start(name, { steps: job.training.steps, startStep });
        started = true;
      },
      onProgress: (progress) => {
        if (!started) options.progress.start(name, { steps: job.training.steps, startStep: 0 });
        started = true;
        options.progress.update(name, progress);
      },
    });
    options.progress.finish(name, summary.status);
    if (summary.status === 'stopped') {
      io.stderr(`[normfree] stopped at step ${summary.stepsCompleted}; continue with: normfree train --resume --out ${runDir} (and the same options)\n`);
      return exitCodes.interrupted;
    }
    const evalPart = summary.finalEval === undefined ? '' : `, eval loss ${summary.finalEval.loss.toFixed(4)}, perplexity ${summary.finalEval.perplexity.toFixed(3)}`;
    io.stdout(`${name}: ${summary.status} after ${summary.stepsCompleted} steps${evalPart}\nrun folder: ${runDir}\n`);
    return exitCodes.ok;
  } finally {
    interrupts.dispose();
    options.progress.stop();
  }
}
