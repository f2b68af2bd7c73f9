/**
 * `normfree reproduce`: plan the experiment, train its runs (skipping finished ones on `--resume`),
 * then write the figures and report, all through @normfree/experiment; this file declares the
 * command's options ({@link reproduceDefinition}) and prints. Diverged runs are results; failed runs
 * make the exit code 1.
 */
import { describeExecutionTarget, formatDuration, planExperiment } from '@normfree/experiment';
import { dirname, join } from 'node:path';
import { paperConfigurationIds, presets, definedFields } from '@normfree/core';
import type { CommandDefinition } from '../command-context.js';
import { defaultWorkers, defaultWorkersFor } from '../default-workers.js';
import { UsageError, errorMessage, exitCodes } from '../errors.js';
import { addClusterOptions, clusterOptionsFrom, type ClusterFlags } from '../option-groups/cluster-options.js';
import { addRunOptions, presetOption, runCommandOptions, type RunFlags } from '../option-groups/run-options.js';
import { parseConfigurationList, parsePositiveInteger, parseSeedList } from '../option-parsers.js';
import { resolveRunInputs, type RunCommandOptions } from './run-inputs.js';

export interface ReproduceCommandOptions extends RunCommandOptions {
  readonly preset: string;
  readonly configurations: readonly string[];
  readonly seeds: readonly number[];
  /** Absolute; undefined → `<runsBase>/<preset>-<date>`. */
  readonly outDir: string | undefined;
  readonly workers: number;
  /** Write figures and report after training (default true). */
  readonly report?: boolean;
  /** Write the experiment folder and plan.json only. */
  readonly planOnly?: boolean;
  /** With the plan, write a cluster scheduler's job scripts. */
  readonly emit?: EmitOptions;
}

/** `--emit` and the cluster flags. */
export interface EmitOptions {
  readonly scheduler: 'slurm' | 'k8s';
  readonly normfreeCommand?: readonly string[];
  readonly cpusPerTask?: number;
  readonly gpusPerTask?: number;
  readonly memory?: string;
  readonly time?: string;
  readonly partition?: string;
  readonly account?: string;
  readonly maxParallel?: number;
  readonly setup?: readonly string[];
  readonly image?: string;
  readonly volumeClaim?: string;
  readonly mountPath?: string;
  readonly namespace?: string;
}

/**
 * The scheduler's files for the plan, checked before anything is written (a bad `--time` or
 * `--memory` is refused with the experiment folder untouched); `write()` puts them into
 * `<outDir>/slurm` or `<outDir>/kubernetes` and says how to submit.
 */
async function clusterFiles(
  outDir: string,
  runs: number,
  emit: EmitOptions,
): Promise<{ write(): Promise<{ paths: string[]; next: string }> }> {
  const { emitKubernetes, emitSlurm } = await import('@normfree/experiment');
  const { writeClusterFiles } = await import('@normfree/experiment/node');
  const common = {
    experimentDir: outDir,
    runs,
    normfreeCommand: emit.normfreeCommand,
    // Plain progress lines: a job's log is a file, not a terminal.
    runArguments: ['--plain-progress', '--progress-interval', '60'],
    cpusPerTask: emit.cpusPerTask ?? 1,
    gpusPerTask: emit.gpusPerTask,
    maxParallel: emit.maxParallel,
  };
  if (emit.scheduler === 'slurm') {
    const files = emitSlurm({
      ...common,
      time: emit.time ?? '24:00:00',
      memory: emit.memory ?? '8G',
      partition: emit.partition,
      account: emit.account,
      setup: emit.setup,
    });
    return {
      write: async () => ({
        paths: await writeClusterFiles(outDir, 'slurm', files),
        next: `submit with: bash ${join(outDir, 'slurm', 'submit.sh')}`,
      }),
    };
  }
  if (emit.image === undefined || emit.volumeClaim === undefined)
    throw new UsageError(
      '--emit k8s needs --image <image> (with normfree installed) and --volume-claim <claim> (the volume that holds the experiment folder)',
    );
  const files = emitKubernetes({
    ...common,
    image: emit.image,
    memory: emit.memory ?? '8Gi',
    volume: { claimName: emit.volumeClaim, mountPath: emit.mountPath ?? dirname(outDir) },
    namespace: emit.namespace,
  });
  return {
    write: async () => ({
      paths: await writeClusterFiles(outDir, 'kubernetes', files),
      next: `apply with: bash ${join(outDir, 'kubernetes', 'apply.sh')} (kubectl, Kubernetes ≥ 1.29)`,
    }),
  };
}

export async function reproduceCommand(options: ReproduceCommandOptions): Promise<number> {
  const { io } = options;
  const startedAt = Date.now();
  const inputs = await resolveRunInputs(options.preset, options);
  const { defaultOutDir, handleInterrupts, prepareExperiment, runExperiment, writeExperimentReport } =
    await import('@normfree/experiment/node');
  const outDir =
    options.outDir ??
    (await defaultOutDir({
      base: options.runsBase,
      name: inputs.preset.name,
      now: options.now,
      resume: options.resume,
    }));
  const plan = planExperiment({
    preset: inputs.preset.name,
    configurations: options.configurations,
    seeds: options.seeds,
    overrides: inputs.overrides,
    vocabSize: inputs.vocabSize,
    ...definedFields({ data: inputs.data }),
    activationModules: inputs.activationModules,
    target: options.target,
    outDir,
    now: options.now,
  });
  const { manifest } = plan;
  if (options.planOnly === true) {
    const cluster = options.emit === undefined ? undefined : await clusterFiles(outDir, plan.runs.length, options.emit);
    const directory = await prepareExperiment(plan, { resume: options.resume });
    io.stdout(
      `${directory === 'new' ? 'planned' : 'plan unchanged'}: ${plan.runs.length} runs in ${outDir} (plan.json); nothing trained\n`,
    );
    io.stdout(plan.runs.map((run, index) => `  ${String(index).padStart(3)}  ${run.runId}`).join('\n') + '\n');
    if (cluster === undefined || options.emit === undefined) {
      io.stdout(`train run i with: normfree run ${outDir} --index <i>; then: normfree report ${outDir}\n`);
    } else {
      const emitted = await cluster.write();
      io.stdout(
        `${options.emit.scheduler} files:\n${emitted.paths.map((path) => `  ${path}`).join('\n')}\n${emitted.next}\n`,
      );
    }
    return exitCodes.ok;
  }
  io.stderr(
    `[normfree] experiment ${outDir}: preset ${manifest.preset}, ${manifest.configurations.join(', ')} × seed${manifest.seeds.length > 1 ? 's' : ''} ${manifest.seeds.join(', ')}, ${plan.runs[0]?.training.steps ?? 0} steps, ` +
      `backend ${describeExecutionTarget(plan.target)}, ${options.workers} worker${options.workers > 1 ? 's' : ''}\n`,
  );
  if (!inputs.preset.conclusive)
    io.stderr(
      `[normfree] note: preset '${inputs.preset.name}' is too small for the paper's effect to show reliably; use it to check the pipeline\n`,
    );

  const interrupts = handleInterrupts(() =>
    io.stderr(
      '\n[normfree] stopping after the current step of each run (a checkpoint is written); Ctrl-C again quits at once\n',
    ),
  );
  let result;
  try {
    result = await runExperiment(plan, {
      executor: options.executor,
      workers: options.workers,
      resume: options.resume,
      progress: options.progress,
      signal: interrupts.signal,
    });
  } finally {
    interrupts.dispose();
  }
  if (result.interrupted) {
    io.stderr(
      `[normfree] interrupted; continue with: normfree reproduce --resume --out ${outDir} (and the same options)\n`,
    );
    return exitCodes.interrupted;
  }
  const failed = result.outcomes.filter((outcome) => outcome.kind === 'failed');

  if (options.report === false) {
    io.stdout(`runs: ${outDir} (no report: build it with \`normfree report ${outDir}\`)\n`);
  } else {
    try {
      const report = await writeExperimentReport({ dir: outDir });
      io.stdout(`${report.table}\n\n`);
      io.stdout(
        `report: ${report.markdownPath}\n        ${report.htmlPath}\nfigures: ${report.figures.length} files in ${outDir}\n`,
      );
    } catch (error) {
      io.stderr(
        `error: the runs are saved in ${outDir}, but the report could not be written: ${errorMessage(error)}\n`,
      );
      return exitCodes.failure;
    }
  }
  io.stderr(`[normfree] done in ${formatDuration((Date.now() - startedAt) / 1000)}\n`);
  if (failed.length > 0) {
    io.stderr(
      `error: ${failed.length} run(s) failed: ${failed.map((outcome) => `${outcome.runId} (${outcome.kind === 'failed' ? outcome.error : ''})`).join('; ')}; rerun with --resume --out ${outDir} to retry them\n`,
    );
    return exitCodes.failure;
  }
  return exitCodes.ok;
}

/** The flags of `reproduce` as commander hands them to its action. */
interface ReproduceFlags extends RunFlags, ClusterFlags {
  preset: string;
  configs?: string[];
  seeds?: number[];
  out?: string;
  resume?: boolean;
  workers?: number;
  /** False with `--no-report`. */
  report: boolean;
  planOnly?: boolean;
}

/** `normfree reproduce`: its own options, the cluster options, then the options it shares with `train`. */
export const reproduceDefinition: CommandDefinition = {
  name: 'reproduce',
  register(program, context) {
    const { absolute, setExitCode } = context;
    const command = program
      .command('reproduce')
      .description(
        `train the paper's configurations (default ${paperConfigurationIds.join(', ')}) ` +
          'with the same data, seed and schedule, then write figures and report.md / report.html',
      )
      .addOption(presetOption('laptop'))
      .option(
        '--configs <ids>',
        `comma list of configuration ids (default: ${paperConfigurationIds.join(',')})`,
        parseConfigurationList,
      )
      .option('--seeds <list>', 'comma list of seeds; several give mean ± spread (default: 1337)', parseSeedList)
      .option('--out <dir>', 'experiment folder (default: runs/<preset>-<date>)')
      .option(
        '--resume',
        'continue the experiment in --out: finished runs are skipped, interrupted ones resume from their checkpoint',
      )
      .option(
        '--workers <n>',
        'runs trained at the same time, each in its own worker process ' +
          `(default: ${defaultWorkers}; 1 for preset smoke)`,
        parsePositiveInteger,
      )
      .option('--no-report', 'skip the figures and report (build them later with `normfree report <dir>`)')
      .option(
        '--plan-only',
        'write the experiment folder and its plan (plan.json), train nothing: ' +
          'then `normfree run <dir> --index i` trains run i',
      );
    addRunOptions(addClusterOptions(command)).action(async (flags: ReproduceFlags) => {
      const workers = flags.workers ?? defaultWorkersFor(flags.preset);
      // --plan-only / --emit train elsewhere (a cluster): this machine need not have the backend.
      const trainsHere = flags.planOnly !== true && flags.emit === undefined;
      const code = await reproduceCommand({
        ...(await runCommandOptions(context, { flags, workers, trainsHere })),
        preset: flags.preset,
        configurations: flags.configs ?? [...paperConfigurationIds],
        seeds: flags.seeds ?? [presets[flags.preset as keyof typeof presets].training.seed],
        outDir: flags.out === undefined ? undefined : absolute(flags.out),
        workers,
        report: flags.report,
        planOnly: flags.planOnly === true || flags.emit !== undefined,
        ...(flags.emit === undefined ? {} : { emit: { scheduler: flags.emit, ...clusterOptionsFrom(flags) } }),
      });
      setExitCode(code);
    });
  },
};
