import { describe, expect, it } from 'vitest';
import {
  createExecutionTarget,
  describeExecutionTarget,
  retarget,
  type ExecutionTargetOptions,
} from './execution-target.js';

/** A target's description, from the options a caller gives. */
const described = (options: ExecutionTargetOptions): string => describeExecutionTarget(createExecutionTarget(options));

describe('createExecutionTarget', () => {
  it('should turn native kernels on by default and leave unset fields absent', () => {
    expect(createExecutionTarget({ backend: 'wasm' })).toEqual({ backend: 'wasm', nativeKernels: true });
    const unset = { nativeThreads: undefined, gpuAdapter: undefined };
    expect(createExecutionTarget({ backend: 'wasm', nativeKernels: false, ...unset })).toEqual({
      backend: 'wasm',
      nativeKernels: false,
    });
    expect(createExecutionTarget({ backend: 'webgpu', gpuAdapter: '1', allowSoftwareAdapter: false })).toEqual({
      backend: 'webgpu',
      nativeKernels: true,
      gpuAdapter: '1',
    });
  });

  it('should refuse a thread count that is not a positive integer, naming the value', () => {
    const threads = (nativeThreads: number) => () => createExecutionTarget({ backend: 'wasm', nativeThreads });
    expect(threads(0)).toThrow('nativeThreads must be a positive integer, got 0');
    expect(threads(1.5)).toThrow('nativeThreads must be a positive integer, got 1.5');
  });

  it('should refuse WebGPU adapter settings on another backend', () => {
    expect(() => createExecutionTarget({ backend: 'wasm', gpuAdapter: '0' })).toThrow(
      "gpuAdapter '0' applies to backend webgpu only (the backend is wasm)",
    );
    expect(() => createExecutionTarget({ backend: 'cpu', allowSoftwareAdapter: true })).toThrow(
      'allowSoftwareAdapter applies to backend webgpu only (the backend is cpu)',
    );
  });
});

describe('retarget', () => {
  const planned = createExecutionTarget({
    backend: 'webgpu',
    nativeThreads: 2,
    gpuAdapter: 'software',
    allowSoftwareAdapter: true,
  });

  it("should keep the plan's adapter request while the run stays on the plan's backend", () => {
    expect(retarget(planned, {})).toEqual(planned);
    expect(retarget(planned, { gpuAdapter: '1' })).toEqual({ ...planned, gpuAdapter: '1' });
  });

  it("should drop the plan's adapter request on another backend, keeping the native settings", () => {
    expect(retarget(planned, { backend: 'wasm' })).toEqual({ backend: 'wasm', nativeKernels: true, nativeThreads: 2 });
  });
});

describe('describeExecutionTarget', () => {
  it('should say what the command line asked for, threads only where native kernels run', () => {
    expect(described({ backend: 'wasm' })).toBe('wasm');
    expect(described({ backend: 'wasm', nativeThreads: 2 })).toBe('wasm (2 threads)');
    expect(described({ backend: 'wasm', nativeThreads: 1 })).toBe('wasm (1 thread)');
    expect(described({ backend: 'wasm', nativeKernels: false, nativeThreads: 2 })).toBe('wasm (--no-native)');
    expect(described({ backend: 'cpu', nativeThreads: 2 })).toBe('cpu');
    expect(described({ backend: 'webgpu', gpuAdapter: '1', allowSoftwareAdapter: true })).toBe(
      'webgpu (adapter 1) (software allowed)',
    );
  });
});
