/**
 * `normfree run <exp> [--index i | --run id]`: train exactly one planned run of an experiment
 * folder, resuming it when it was interrupted; what each task of a cluster job array runs. Without
 * `--index` or `--run` the index comes from `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX`. The
 * command's options are {@link runDefinition}'s.
 */
import type { BackendName } from '@normfree/backend';
import {
  describeExecutionTarget,
  retarget,
  runJob,
  type ExecutionTargetChange,
  type RunExecutor,
} from '@normfree/experiment';
import { exitCodes } from '../errors.js';
import type { BackendRequest } from '../backend-check.js';
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { addWebGpuOptions, backendOption, type WebGpuFlags } from '../option-groups/placement-options.js';
import { addProgressOptions, type ProgressFlags } from '../option-groups/progress-options.js';
import { parseNonNegativeInteger } from '../option-parsers.js';
import type { ProgressDisplay } from '../progress.js';
import { definedFields } from '@normfree/core';

export interface RunCommandOptions {
  readonly dir: string;
  readonly index?: number;
  readonly runId?: string;
  /** `--backend`, `--gpu-adapter`, `--allow-software-adapter`: train on another target than the plan's. */
  readonly target: ExecutionTargetChange;
  /** Throws a UsageError when the backend cannot start here (checked before the run folder is touched). */
  readonly requireBackend?: (request: BackendRequest) => Promise<void>;
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
  readonly progress: ProgressDisplay;
  readonly executor: RunExecutor;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const { io } = options;
  const { handleInterrupts, loadActivationModules, readPlan, selectPlannedJob, trainPlannedJob } =
    await import('@normfree/experiment/node');
  const plan = await readPlan(options.dir);
  const planned = selectPlannedJob(plan, {
    ...definedFields({ index: options.index, runId: options.runId }),
    env: options.env,
  });
  // The parent checks plug-in kinds like `reproduce` does; the executor imports them again where it trains.
  await loadActivationModules(planned.activationModules);
  // The plan's adapter request holds only while the run stays on the plan's webgpu backend.
  const target = retarget(plan.target, options.target);
  await options.requireBackend?.(target);
  const job = runJob(planned, target);
  const where = `${plan.runs.indexOf(planned)} of ${plan.runs.length}`;
  const what = `${job.runId} (${job.label}), ${job.training.steps} steps`;
  io.stderr(`[normfree] ${options.dir}: run ${where}, ${what}, backend ${describeExecutionTarget(target)}\n`);
  const interrupts = handleInterrupts(() =>
    io.stderr('\n[normfree] stopping after the current step (a checkpoint is written); Ctrl-C again quits at once\n'),
  );
  let outcome;
  try {
    // The plan is read and the run selected above; train that job (on another backend if asked).
    outcome = await trainPlannedJob(options.dir, job, {
      executor: options.executor,
      progress: options.progress,
      signal: interrupts.signal,
    });
  } finally {
    interrupts.dispose();
    options.progress.stop();
  }
  if (outcome.kind === 'failed') {
    io.stderr(`error: ${job.runId}: ${outcome.error}\n`);
    return exitCodes.failure;
  }
  if (outcome.kind === 'not-started') return exitCodes.failure;
  const { summary } = outcome;
  if (summary.status === 'stopped') {
    io.stderr(
      `[normfree] ${job.runId} stopped at step ${summary.stepsCompleted}; run the same command again to continue\n`,
    );
    return exitCodes.interrupted;
  }
  const evalPart =
    summary.finalEval === undefined
      ? ''
      : `, eval loss ${summary.finalEval.loss.toFixed(4)}, perplexity ${summary.finalEval.perplexity.toFixed(3)}`;
  io.stdout(
    `${job.runId}: ${outcome.kind === 'skipped' ? 'already ' : ''}${summary.status} after ${summary.stepsCompleted} steps${evalPart}\n`,
  );
  return exitCodes.ok;
}

/** The flags of `run` as commander hands them to its action. */
interface PlannedRunFlags extends WebGpuFlags, ProgressFlags {
  index?: number;
  run?: string;
  backend?: BackendName;
}

/** `normfree run <dir>`: one planned run, on the plan's backend unless `--backend` moves it. */
export const runDefinition: CommandDefinition = {
  name: 'run',
  register(program, context) {
    const { io, dependencies, absolute, setExitCode, progressFor, executorFor, requireBackendFor } = context;
    const command = program
      .command('run')
      .description(
        'train one planned run of an experiment folder (a cluster job array task): --index or --run, ' +
          'else SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX; resumes an interrupted run, skips a finished one',
      )
      .argument('<dir>', 'an experiment folder with its plan (from `reproduce --plan-only` or any `reproduce`)')
      .option('--index <i>', '0-based index into the plan', parseNonNegativeInteger)
      .option('--run <id>', 'a run id, e.g. sm-g-seed1337')
      .addOption(backendOption("TF.js backend (default: the plan's)"));
    addProgressOptions(addWebGpuOptions(command)).action(async (dir: string, flags: PlannedRunFlags) => {
      const code = await runCommand({
        requireBackend: requireBackendFor,
        target: {
          backend: flags.backend,
          gpuAdapter: flags.gpuAdapter,
          allowSoftwareAdapter: flags.allowSoftwareAdapter,
        },
        dir: absolute(dir),
        ...definedFields({ index: flags.index, runId: flags.run }),
        env: dependencies.env ?? process.env,
        io,
        progress: await progressFor(flags),
        executor: await executorFor(1),
      });
      setExitCode(code);
    });
  },
};
