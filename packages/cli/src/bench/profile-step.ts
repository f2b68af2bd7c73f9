/**
 * Per-kernel breakdown of training steps (tf.profile): which TF.js kernels a step spends its time in.
 * On wasm and cpu kernels run synchronously, so `kernelTimeMs` is the kernel's own time; nested
 * kernels (a kernel that calls another) are counted in both, so totals can overlap slightly.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface KernelTime {
  readonly kernel: string;
  readonly calls: number;
  /** Summed kernel time per step, ms. */
  readonly ms: number;
}

export interface StepProfile {
  /** Wall time of the profiled step(s), ms per step. */
  readonly wallMs: number;
  /** Sum of all kernel times, ms per step. */
  readonly kernelMs: number;
  readonly kernelCalls: number;
  /** Kernels sorted by time, per step. */
  readonly kernels: readonly KernelTime[];
}

/** Profile `steps` runs of `step` (which must dispose what it creates) and return per-step averages. */
export async function profileSteps(step: () => Promise<void>, steps: number): Promise<StepProfile> {
  const byKernel = new Map<string, { calls: number; ms: number }>();
  let wall = 0;
  for (let index = 0; index < steps; index++) {
    const start = performance.now();
    const info = await tf.profile(step);
    wall += performance.now() - start;
    for (const kernel of info.kernels) {
      const entry = byKernel.get(kernel.name) ?? { calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : 0;
      byKernel.set(kernel.name, entry);
    }
  }
  const kernels = [...byKernel.entries()]
    .map(([kernel, entry]) => ({ kernel, calls: entry.calls / steps, ms: entry.ms / steps }))
    .sort((a, b) => b.ms - a.ms);
  return {
    wallMs: wall / steps,
    kernelMs: kernels.reduce((sum, entry) => sum + entry.ms, 0),
    kernelCalls: kernels.reduce((sum, entry) => sum + entry.calls, 0),
    kernels,
  };
}
