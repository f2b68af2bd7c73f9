/**
 * Where and how a run trains: the TF.js backend, @normfree/backend-native's kernels and their
 * threads, the WebGPU adapter. A plan holds its runs' specifications ({@link RunSpec} in plan.ts:
 * what is trained, which decides the numbers) and one execution target apart from them, because the
 * target does not decide the numbers the same way: native kernels give bit-identical results for any
 * thread count, and a cluster task may train a planned run on another backend (`normfree run
 * --backend`). Two plans that differ only in their target plan the same runs.
 */
import type { BackendName } from '@normfree/backend';
import { ExperimentInputError } from './errors.js';
import { checkInteger, definedFields } from '@normfree/core';

/** How a run is trained (see the module comment). Plain JSON: it travels to worker processes and into `plan.json`. */
export interface ExecutionTarget {
  readonly backend: BackendName;
  /**
   * With `backend: 'wasm'`: serve kernels from @normfree/backend-native when it is built (falls back
   * to plain wasm, saying why). Ignored on other backends.
   */
  readonly nativeKernels: boolean;
  /**
   * With native kernels: their threads, the calling one included (absent: the cores the training
   * process may use). Results are bit-identical for any count.
   */
  readonly nativeThreads?: number;
  /** With `backend: 'webgpu'`: which adapter (`gpuAdapter` of @normfree/backend: index, name or `software`). */
  readonly gpuAdapter?: string;
  /** With `backend: 'webgpu'`: accept a software adapter (SwiftShader, lavapipe). */
  readonly allowSoftwareAdapter?: boolean;
}

/** An {@link ExecutionTarget} as callers give it: native kernels default to on; `undefined` means absent. */
export interface ExecutionTargetOptions {
  readonly backend: BackendName;
  /** Default true. */
  readonly nativeKernels?: boolean | undefined;
  readonly nativeThreads?: number | undefined;
  readonly gpuAdapter?: string | undefined;
  readonly allowSoftwareAdapter?: boolean | undefined;
}

/**
 * A complete, checked execution target.
 * @throws ExperimentInputError for a thread count that is not a positive integer, or an adapter
 *   setting on a backend other than webgpu.
 */
export function createExecutionTarget(options: ExecutionTargetOptions): ExecutionTarget {
  const { backend, nativeThreads, gpuAdapter, allowSoftwareAdapter } = options;
  if (nativeThreads !== undefined)
    checkInteger('nativeThreads', nativeThreads, { min: 1, error: ExperimentInputError });
  if (backend !== 'webgpu') {
    if (gpuAdapter !== undefined) {
      const offending = `gpuAdapter '${gpuAdapter}'`;
      throw new ExperimentInputError(`${offending} applies to backend webgpu only (the backend is ${backend})`);
    }
    if (allowSoftwareAdapter === true) {
      throw new ExperimentInputError(`allowSoftwareAdapter applies to backend webgpu only (the backend is ${backend})`);
    }
  }
  return {
    backend,
    nativeKernels: options.nativeKernels ?? true,
    ...definedFields({ nativeThreads, gpuAdapter }),
    ...(allowSoftwareAdapter === true ? { allowSoftwareAdapter: true } : {}),
  };
}

/** What `normfree run` may change of a planned target: the backend, and the WebGPU adapter request. */
export interface ExecutionTargetChange {
  readonly backend?: BackendName | undefined;
  readonly gpuAdapter?: string | undefined;
  readonly allowSoftwareAdapter?: boolean | undefined;
}

/**
 * The planned target with a change applied (a cluster task training a planned run elsewhere). The
 * plan's adapter request holds only while the run stays on the plan's backend; the native kernel
 * settings are kept.
 * @throws ExperimentInputError as {@link createExecutionTarget} does.
 */
export function retarget(planned: ExecutionTarget, change: ExecutionTargetChange): ExecutionTarget {
  const backend = change.backend ?? planned.backend;
  const keepsAdapter = backend === planned.backend;
  return createExecutionTarget({
    backend,
    nativeKernels: planned.nativeKernels,
    nativeThreads: planned.nativeThreads,
    gpuAdapter: change.gpuAdapter ?? (keepsAdapter ? planned.gpuAdapter : undefined),
    allowSoftwareAdapter:
      change.allowSoftwareAdapter === true || (keepsAdapter && planned.allowSoftwareAdapter === true),
  });
}

/**
 * The target in words, as the command line would ask for it: `wasm`, `wasm (--no-native)`,
 * `wasm (1 thread)`, `webgpu (adapter 1) (software allowed)`. Two targets with the same description
 * start the same backend.
 */
export function describeExecutionTarget(target: ExecutionTarget): string {
  const usesNative = target.backend === 'wasm' && target.nativeKernels;
  const native = target.backend !== 'wasm' ? '' : target.nativeKernels ? '' : ' (--no-native)';
  const count = target.nativeThreads;
  const threads = usesNative && count !== undefined ? ` (${count} thread${count === 1 ? '' : 's'})` : '';
  const adapter = target.gpuAdapter === undefined ? '' : ` (adapter ${target.gpuAdapter})`;
  const software = target.allowSoftwareAdapter === true ? ' (software allowed)' : '';
  return `${target.backend}${native}${threads}${adapter}${software}`;
}
