/**
 * `normfree backends`: what this machine can train on. wasm and cpu always; wasm's native kernels when
 * @normfree/backend-native's addon loads (the prebuilt binary or a source build, else why not and how to
 * get them); webgpu with every adapter dawn.node sees (software ones included, which
 * `--allow-software-adapter` or `--gpu-adapter software` permit); tensorflow when tfjs-node(-gpu)
 * loads. Nothing is initialised: TF.js is not started (the addon is loaded, no kernel is registered).
 * The command's options are {@link backendsDefinition}'s.
 */
import {
  checkBackend,
  gpuAdapterLine,
  listGpuAdapters,
  swiftShaderRecipe,
  type NodeBackendHooks,
} from '@normfree/backend';
import { errorMessage } from '@normfree/experiment';
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { exitCodes } from '../errors.js';
import { definedFields } from '@normfree/core';

export async function backendsCommand(options: {
  readonly io: CliIo;
  readonly json: boolean;
  readonly hooks?: NodeBackendHooks;
}): Promise<number> {
  const { io } = options;
  const hooks = options.hooks ?? {};
  let adapters: Awaited<ReturnType<typeof listGpuAdapters>> = [];
  let webgpuProblem: string | undefined;
  try {
    adapters = await listGpuAdapters(hooks);
    if (adapters.length === 0) webgpuProblem = `dawn.node sees no adapter; ${swiftShaderRecipe}`;
  } catch (error) {
    webgpuProblem = errorMessage(error);
  }
  let tensorflow: string;
  try {
    tensorflow = `available: ${await checkBackend('tensorflow', {}, hooks)}`;
  } catch (error) {
    tensorflow = `unavailable: ${errorMessage(error)}`;
  }
  const { checkNativeKernels } = await import('@normfree/experiment/node');
  const native = await checkNativeKernels();
  if (options.json) {
    io.stdout(
      `${JSON.stringify({ wasm: true, native, cpu: true, webgpu: { adapters, ...definedFields({ problem: webgpuProblem }) }, tensorflow }, null, 2)}\n`,
    );
    return exitCodes.ok;
  }
  const lines = [
    'wasm        available (the default; with the native kernels below unless --no-native)',
    native.available
      ? `native      available: ${native.simd ?? 'unknown'} kernels, ${native.threads ?? '?'} thread${native.threads === 1 ? '' : 's'}, ${native.reason}`
      : `native      unavailable, plain wasm kernels: ${native.reason}`,
    'cpu         available (the reference; slow)',
  ];
  if (webgpuProblem !== undefined) {
    lines.push(`webgpu      unavailable: ${webgpuProblem}`);
  } else {
    lines.push(
      `webgpu      ${adapters.length} adapter${adapters.length === 1 ? '' : 's'} (--gpu-adapter <index|name|software>; a software one also needs --allow-software-adapter unless chosen as 'software'):`,
    );
    for (const adapter of adapters)
      lines.push(`  ${gpuAdapterLine(adapter)}; type ${adapter.type}, isFallbackAdapter ${adapter.fallback}`);
  }
  lines.push(`tensorflow  ${tensorflow}`);
  io.stdout(`${lines.join('\n')}\n`);
  return exitCodes.ok;
}

/** `normfree backends [--json]`. */
export const backendsDefinition: CommandDefinition = {
  name: 'backends',
  register(program, context) {
    const { io, dependencies, setExitCode } = context;
    program
      .command('backends')
      .description(
        'list the backends this machine can train on, with every WebGPU adapter dawn.node sees ' +
          '(index, name, vendor, architecture, type, isFallbackAdapter) for --gpu-adapter',
      )
      .option('--json', 'print JSON')
      .action(async (flags: { json?: boolean }) => {
        const hooks = definedFields({ hooks: dependencies.backendHooks });
        setExitCode(await backendsCommand({ io, json: flags.json === true, ...hooks }));
      });
  },
};
