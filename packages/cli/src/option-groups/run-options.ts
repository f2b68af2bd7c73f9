/**
 * The options `reproduce` and `train` share, and what their actions make of them: the preset and
 * its overrides, where the run trains (backend, native kernels, WebGPU adapter), plug-in activation
 * modules, `--data`, and progress. {@link runCommandOptions} turns the parsed flags into the
 * options of `commands/run-inputs.ts`' `RunCommandOptions`.
 */
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { presets } from '@normfree/core';
import type { CommandContext } from '../command-context.js';
import { addOverrideOptions, overridesFrom } from './override-options.js';
import { addPlacementOptions, type PlacementFlags } from './placement-options.js';
import { addProgressOptions, type ProgressFlags } from './progress-options.js';
import { parsePreset } from '../option-parsers.js';

/** The shared run flags as commander hands them to an action. */
export interface RunFlags extends PlacementFlags, ProgressFlags {
  activationModule?: string[];
  data?: string;
}

/** `--preset <name>`, one of core's presets; `reproduce` and `train` differ only in the default. */
export function presetOption(defaultName: keyof typeof presets): Option {
  return new Option('--preset <name>', 'model size and training preset')
    .choices(Object.keys(presets))
    .default(defaultName)
    .argParser(parsePreset);
}

/** Add the overrides (from `overrideFields`), placement, plug-in, data and progress flags to `command`. */
export function addRunOptions(command: Command): Command {
  addOverrideOptions(command);
  addPlacementOptions(command)
    .option(
      '--activation-module <file...>',
      'an ES module that registers plug-in activations (registerActivation of @normfree/activations); ' +
        'loaded here and in every worker process',
    )
    .option(
      '--data <store>',
      'train on a token store written by `normfree prepare` ' +
        '(its tokenizer sets the vocabulary; default: the embedded corpus)',
    );
  return addProgressOptions(command);
}

/**
 * What `reproduce` and `train` share: overrides, backend, plug-ins, progress, executor. The backend
 * must start here unless nothing trains here (`trainsHere: false`).
 */
export async function runCommandOptions(
  context: CommandContext,
  request: { flags: RunFlags & { resume?: boolean }; workers: number; trainsHere?: boolean },
) {
  const { io, now, absolute, progressFor, executorFor, requireBackendFor } = context;
  const { flags, workers, trainsHere = true } = request;
  if (trainsHere) await requireBackendFor(flags);
  return {
    overrides: overridesFrom(flags as unknown as Record<string, unknown>),
    activationModules: flags.activationModule ?? [],
    ...(flags.data === undefined ? {} : { data: absolute(flags.data) }),
    target: {
      backend: flags.backend,
      nativeKernels: flags.native,
      // Each of the `workers` processes gets its share of the cores; jobs trained elsewhere (--plan-only,
      // --emit) use the cores of their own machine unless --threads says otherwise.
      nativeThreads:
        flags.threads ?? (trainsHere ? Math.max(1, Math.floor(availableParallelism() / workers)) : undefined),
      gpuAdapter: flags.gpuAdapter,
      allowSoftwareAdapter: flags.allowSoftwareAdapter,
    },
    runsBase: absolute('runs'),
    resume: flags.resume === true,
    now: now(),
    io,
    progress: await progressFor(flags),
    executor: await executorFor(workers),
  };
}
