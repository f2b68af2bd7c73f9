/**
 * `normfree train`: one configuration, one seed, into one run folder. The run folder is refused
 * when it holds anything but this run (and this run only with `--resume`). Planning, folder checks
 * and training are @normfree/experiment's; this file declares the command's options
 * ({@link trainDefinition}) and prints.
 */
import { createRunJob, describeExecutionTarget, runId, type RunJob } from '@normfree/experiment';
import type { CommandDefinition } from '../command-context.js';
import { UsageError, exitCodes } from '../errors.js';
import { addRunOptions, presetOption, runCommandOptions, type RunFlags } from '../option-groups/run-options.js';
import { parseConfiguration, parseNonNegativeInteger } from '../option-parsers.js';
import { resolveRunInputs, type RunCommandOptions } from './run-inputs.js';
import { definedFields } from '@normfree/core';

export interface TrainCommandOptions extends RunCommandOptions {
  readonly preset: string;
  readonly configuration: string;
  readonly seed: number;
  /** Absolute; undefined → `<runsBase>/train-<config>-seed<seed>-<date>`. */
  readonly outDir: string | undefined;
}

export async function trainCommand(options: TrainCommandOptions): Promise<number> {
  const { io } = options;
  const inputs = await resolveRunInputs(options.preset, options);
  const { defaultOutDir, folderKind, handleInterrupts, readRunState } = await import('@normfree/experiment/node');
  const common = {
    preset: inputs.preset.name,
    configuration: options.configuration,
    seed: options.seed,
    overrides: inputs.overrides,
    vocabSize: inputs.vocabSize,
    ...definedFields({ data: inputs.data }),
    activationModules: inputs.activationModules,
    target: options.target,
  };
  // Validated before any folder is touched; the folder is filled in once it is known.
  const name = createRunJob({ ...common, runDir: '' }).runId;
  const runDir =
    options.outDir ??
    (await defaultOutDir({ base: options.runsBase, name: `train-${name}`, now: options.now, resume: options.resume }));
  const job: RunJob = createRunJob({ ...common, runDir });

  const state = await readRunState(runDir);
  if (state.kind !== 'new') {
    const summary = state.summary;
    if (summary !== undefined && (summary.configuration !== job.configuration || summary.seed !== options.seed)) {
      throw new UsageError(
        `--out '${runDir}' holds run ${runId(summary.configuration, summary.seed)}, not ${name}; nothing was overwritten. Choose another --out.`,
      );
    }
    if (summary === undefined && (await folderKind(runDir)) !== 'run') {
      throw new UsageError(
        `--out '${runDir}' is not empty and is not a normfree run folder; nothing was written. Choose another --out.`,
      );
    }
    if (!options.resume)
      throw new UsageError(
        `--out '${runDir}' already holds run ${name}; pass --resume to continue it, or choose another --out`,
      );
    if (state.kind === 'finished') {
      io.stdout(`${name} in ${runDir} already finished (${state.summary.status}); nothing to do\n`);
      return exitCodes.ok;
    }
  }

  const what = `${name} (${job.label}) with preset ${inputs.preset.name}, ${job.training.steps} steps`;
  io.stderr(`[normfree] training ${what}, backend ${describeExecutionTarget(job.target)} → ${runDir}\n`);
  let started = false;
  const start = (startStep: number): void => {
    if (!started) options.progress.start(name, { steps: job.training.steps, startStep });
    started = true;
  };
  const interrupts = handleInterrupts(() =>
    io.stderr('\n[normfree] stopping after the current step (a checkpoint is written); Ctrl-C again quits at once\n'),
  );
  try {
    const summary = await options.executor(job, {
      resume: state.kind === 'unfinished',
      signal: interrupts.signal,
      onStart: start,
      onProgress: (progress) => {
        start(0);
        options.progress.update(name, progress);
      },
    });
    options.progress.finish(name, summary.status);
    if (summary.status === 'stopped') {
      io.stderr(
        `[normfree] stopped at step ${summary.stepsCompleted}; continue with: normfree train --resume --out ${runDir} (and the same options)\n`,
      );
      return exitCodes.interrupted;
    }
    const evalPart =
      summary.finalEval === undefined
        ? ''
        : `, eval loss ${summary.finalEval.loss.toFixed(4)}, perplexity ${summary.finalEval.perplexity.toFixed(3)}`;
    io.stdout(`${name}: ${summary.status} after ${summary.stepsCompleted} steps${evalPart}\nrun folder: ${runDir}\n`);
    return exitCodes.ok;
  } finally {
    interrupts.dispose();
    options.progress.stop();
  }
}

/** The flags of `train` as commander hands them to its action. */
interface TrainFlags extends RunFlags {
  preset: string;
  config: string;
  seed: number;
  out?: string;
  resume?: boolean;
}

/** `normfree train`: its own options, then the options it shares with `reproduce`. */
export const trainDefinition: CommandDefinition = {
  name: 'train',
  register(program, context) {
    const { absolute, setExitCode } = context;
    const command = program
      .command('train')
      .description('train one configuration into one run folder (config.json, logs.jsonl, summary.json, checkpoint)')
      .addOption(presetOption('quick'))
      .option('--config <id>', 'configuration id (fixes norm and activation)', parseConfiguration, 'sm-ln-g')
      .option('--seed <n>', 'seed for init, dropout and data order', parseNonNegativeInteger, 1337)
      .option('--out <dir>', 'run folder (default: runs/train-<config>-seed<seed>-<date>)')
      .option('--resume', 'continue the run in --out from its checkpoint');
    addRunOptions(command).action(async (flags: TrainFlags) => {
      const code = await trainCommand({
        ...(await runCommandOptions(context, { flags, workers: 1 })),
        preset: flags.preset,
        configuration: flags.config,
        seed: flags.seed,
        outDir: flags.out === undefined ? undefined : absolute(flags.out),
      });
      setExitCode(code);
    });
  },
};
