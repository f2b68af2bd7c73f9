/**
 * The backend a command line asked for is checked before anything is written: `--backend webgpu`
 * without a usable adapter, or `--backend tensorflow` without tfjs-node(-gpu), is one error (exit
 * code 2) saying what is missing, never a silent run on wasm.
 */
import { checkBackend, type NodeBackendHooks } from '@normfree/backend';
import { errorMessage, type ExecutionTargetOptions } from '@normfree/experiment';
import { UsageError } from './errors.js';
import { definedFields } from '@normfree/core';

/**
 * What a training command asks of its backend: the part of its execution target that decides
 * whether the backend starts (`--backend`; `--gpu-adapter`, an index or part of a name from
 * `normfree backends`, or `software`; `--allow-software-adapter`).
 */
export type BackendRequest = Pick<ExecutionTargetOptions, 'backend' | 'gpuAdapter' | 'allowSoftwareAdapter'>;

/**
 * Throw a {@link UsageError} when the requested backend cannot start on this machine, or when the
 * WebGPU flags are given with another backend.
 */
export async function requireBackend(request: BackendRequest, hooks: NodeBackendHooks = {}): Promise<void> {
  if (request.backend !== 'webgpu') {
    for (const [flag, given] of [
      ['--gpu-adapter', request.gpuAdapter !== undefined],
      ['--allow-software-adapter', request.allowSoftwareAdapter === true],
    ] as const) {
      if (given) throw new UsageError(`${flag} applies to --backend webgpu only (the backend is ${request.backend})`);
    }
  }
  try {
    await checkBackend(
      request.backend,
      {
        ...definedFields({ gpuAdapter: request.gpuAdapter }),
        ...(request.allowSoftwareAdapter === true ? { allowSoftwareAdapter: true } : {}),
      },
      hooks,
    );
  } catch (error) {
    throw new UsageError(
      `--backend ${request.backend} cannot start on this machine: ${errorMessage(error)}. Nothing was written (\`normfree backends\` lists what this machine has).`,
    );
  }
}
