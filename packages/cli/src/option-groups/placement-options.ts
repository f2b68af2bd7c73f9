/**
 * Where a run trains: the TF.js backend, the native CPU kernels and their threads, and the WebGPU
 * adapter flags. `train` and `reproduce` take all of them; `run` moves a planned run to another
 * backend or adapter with `--backend` and the WebGPU flags only.
 */
import { Option, type Command } from 'commander';
import { availableParallelism } from 'node:os';
import { nodeBackendNames, type BackendName } from '@normfree/backend';
import { parseChoice, parsePositiveInteger } from '../option-parsers.js';

/** The WebGPU adapter flags as commander hands them to an action. */
export interface WebGpuFlags {
  gpuAdapter?: string;
  allowSoftwareAdapter?: boolean;
}

/** The placement flags of `train` and `reproduce`. */
export interface PlacementFlags extends WebGpuFlags {
  backend: BackendName;
  /** False with `--no-native`. */
  native: boolean;
  threads?: number;
}

/** `--backend <name>`, one of the backends this Node build can load, with the closest name suggested. */
export function backendOption(description: string): Option {
  return new Option('--backend <name>', description)
    .choices(nodeBackendNames)
    .argParser(parseChoice('backend', nodeBackendNames));
}

/** Add `--gpu-adapter` and `--allow-software-adapter` to `command`. */
export function addWebGpuOptions(command: Command): Command {
  return command
    .option(
      '--gpu-adapter <adapter>',
      "with --backend webgpu: an adapter's index or part of its name (see `normfree backends`), or 'software'",
    )
    .option(
      '--allow-software-adapter',
      'with --backend webgpu: accept a software adapter (SwiftShader, lavapipe: slow, for testing)',
    );
}

/** Add the backend (default wasm), `--no-native`, `--threads` and the WebGPU flags to `command`. */
export function addPlacementOptions(command: Command): Command {
  command
    .addOption(backendOption('TF.js backend').default('wasm'))
    .option(
      '--no-native',
      'with --backend wasm: do not use the native CPU kernels of @normfree/backend-native (used by default when built)',
    )
    .option(
      '--threads <n>',
      'threads of the native kernels in each training process ' +
        `(default: the cores here, ${availableParallelism()}, ÷ workers)`,
      parsePositiveInteger,
    );
  return addWebGpuOptions(command);
}
