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

/**
 * CPU time (user + system) per kernel, robust to other processes competing for the cores (wall-clock
 * kernel times are not, on a shared 2-core machine). Wraps every kernel registered for `backendName`
 * with `process.cpuUsage()` deltas (≈1 µs each), runs the steps, then restores the kernels. CPU time
 * outside kernels (TF.js bookkeeping, the tape, JavaScript of the model) is reported as `outsideKernelsMs`.
 */
export async function profileKernelCpu(
  backendName: string,
  step: () => Promise<void>,
  steps: number,
): Promise<StepProfile & { readonly outsideKernelsMs: number }> {
  const configs = tf.getKernelsForBackend(backendName);
  const byKernel = new Map<string, { calls: number; ms: number }>();
  let depth = 0;
  for (const config of configs) {
    const original = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        // Only the outermost kernel is charged, so a kernel that runs others is not counted twice.
        if (depth > 0) return original(args);
        depth++;
        const start = process.cpuUsage();
        try {
          return original(args);
        } finally {
          const used = process.cpuUsage(start);
          depth--;
          const entry = byKernel.get(config.kernelName) ?? { calls: 0, ms: 0 };
          entry.calls += 1;
          entry.ms += (used.user + used.system) / 1000;
          byKernel.set(config.kernelName, entry);
        }
      },
    });
  }
  const started = process.cpuUsage();
  const wallStart = performance.now();
  try {
    for (let index = 0; index < steps; index++) await step();
  } finally {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, backendName);
      tf.registerKernel(config);
    }
  }
  const total = process.cpuUsage(started);
  const totalMs = (total.user + total.system) / 1000 / steps;
  const kernels = [...byKernel.entries()]
    .map(([kernel, entry]) => ({ kernel, calls: entry.calls / steps, ms: entry.ms / steps }))
    .sort((a, b) => b.ms - a.ms);
  const kernelMs = kernels.reduce((sum, entry) => sum + entry.ms, 0);
  return {
    wallMs: (performance.now() - wallStart) / steps,
    kernelMs,
    kernelCalls: kernels.reduce((sum, entry) => sum + entry.calls, 0),
    kernels,
    outsideKernelsMs: totalMs - kernelMs,
  };
}
