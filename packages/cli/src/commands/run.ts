/**
 * `normfree run <exp> [--index i | --run id]`: train exactly one planned run of an experiment
 * folder, resuming it when it was interrupted; what each task of a cluster job array runs. Without
 * `--index` or `--run` the index comes from `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX`. The
 * command's options are {@link runDefinition}'s.
 */
import type { BackendName } from '@normfree/backend';
import type { RunExecutor } from '@normfree/experiment';
import type { BackendRequest } from '../backend-check.js';
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { exitCodes } from '../errors.js';
import { addWebGpuOptions, backendOption, type WebGpuFlags } from '../option-groups/placement-options.js';
import { addProgressOptions, type ProgressFlags } from '../option-groups/progress-options.js';
import { parseNonNegativeInteger } from '../option-parsers.js';
import type { ProgressDisplay } from '../progress.js';

export interface RunCommandOptions {
  readonly dir: string;
  readonly index?: number;
  readonly runId?: string;
  readonly backend?: BackendName;
  /** `--gpu-adapter` / `--allow-software-adapter` (with `webgpu`). */
  readonly gpuAdapter?: string;
  readonly allowSoftwareAdapter?: boolean;
  /** Throws a UsageError when the backend cannot start here (checked before the run folder is touched). */
  readonly requireBackend?: (request: BackendRequest) => Promise<void>;
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
  readonly progress: ProgressDisplay;
  readonly executor: RunExecutor;
}

export async function runCommand(options: RunCommandOptions): Promise<number> {
  const { io } = options;
  const { handleInterrupts, loadActivationModules, readPlan, selectPlannedJob, trainPlannedJob } = await import('@normfree/experiment/node');
  const plan = await readPlan(options.dir);
  const job = selectPlannedJob(plan, { ...(options.index === undefined ? {} : { index: options.index }), ...(options.runId === undefined ? {} : { runId: options.runId }), env: options.env });
  // The parent checks plug-in kinds like `reproduce` does; the executor imports them again where it trains.
  await loadActivationModules(job.activationModules);
  // The plan's adapter request holds only while the run stays on the plan's webgpu backend.
  const backendName = options.backend ?? job.backend;
  const planned: { gpuAdapter?: string; allowSoftwareAdapter?: boolean } = backendName === job.backend ? job : {};
  const gpuAdapter = options.gpuAdapter ?? planned.gpuAdapter;
  const backend = {
    backend: backendName,
    ...(gpuAdapter === undefined ? {} : { gpuAdapter }),
    ...(options.allowSoftwareAdapter === true || planned.allowSoftwareAdapter === true ? { allowSoftwareAdapter: true } : {}),
  };
  const { gpuAdapter: _plannedAdapter, allowSoftwareAdapter: _plannedSoftware, ...jobWithoutAdapter } = job;
  await options.requireBackend?.(backend);
  io.stderr(`[normfree] ${options.dir}: run ${plan.runs.indexOf(job)} of ${plan.runs.length}, ${job.runId} (${job.label}), ${job.training.steps} steps, backend ${options.backend ?? job.backend}\n`);
  const interrupts = handleInterrupts(() => io.stderr('\n[normfree] stopping after the current step (a checkpoint is written); Ctrl-C again quits at once\n'));
  let outcome;
  try {
    // The plan is read and the run selected above; train that job (on another backend if asked).
    outcome = await trainPlannedJob(options.dir, { ...jobWithoutAdapter, ...backend }, {
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
    io.stderr(`[normfree] ${job.runId} stopped at step ${summary.stepsCompleted}; run the same command again to continue\n`);
    return exitCodes.interrupted;
  }
  const evalPart = summary.finalEval === undefined ? '' : `, eval loss ${summary.finalEval.loss.toFixed(4)}, perplexity ${summary.finalEval.perplexity.toFixed(3)}`;
  io.stdout(`${job.runId}: ${outcome.kind === 'skipped' ? 'already ' : ''}${summary.status} after ${summary.stepsCompleted} steps${evalPart}\n`);
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
        ...(flags.gpuAdapter === undefined ? {} : { gpuAdapter: flags.gpuAdapter }),
        ...(flags.allowSoftwareAdapter === true ? { allowSoftwareAdapter: true } : {}),
        dir: absolute(dir),
        ...(flags.index === undefined ? {} : { index: flags.index }),
        ...(flags.run === undefined ? {} : { runId: flags.run }),
        ...(flags.backend === undefined ? {} : { backend: flags.backend }),
        env: dependencies.env ?? process.env,
        io,
        progress: await progressFor(flags),
        executor: await executorFor(1),
      });
      setExitCode(code);
    });
  },
};
