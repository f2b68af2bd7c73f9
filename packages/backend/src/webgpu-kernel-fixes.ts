/**
 * Work-arounds for tfjs-backend-webgpu 4.22 kernels that fail on our models, installed once the
 * webgpu backend is registered (Node and browser).
 *
 * 1. `AddN` binds every input as a storage buffer in one shader: n inputs + the output. WebGPU's
 *    default `maxStorageBuffersPerShaderStage` is 8 (tfjs requests no higher limit), so adding 8 or
 *    more tensors fails pipeline validation ("The number of storage buffers (11) in the Compute stage
 *    exceeds the maximum per-stage limit (8)") and the whole command buffer is dropped: the global
 *    gradient norm (trainer's clip-gradients.ts, an addN over one square sum per parameter) came out
 *    0 on SwiftShader. Here `AddN` adds at most limit − 1 tensors per shader, in a tree.
 */
import * as tf from '@tensorflow/tfjs-core';

let installed = false;

interface WebGpuBackendLike {
  readonly device?: { readonly limits?: { readonly maxStorageBuffersPerShaderStage?: number } };
  disposeData(dataId: object): void;
}

/** Install the fixes (idempotent; a no-op until the webgpu backend's kernels are registered). */
export function installWebGpuKernelFixes(): void {
  if (installed) return;
  const addN = tf.getKernel(tf.AddN, 'webgpu');
  if (addN === undefined) return;
  installed = true;
  tf.unregisterKernel(tf.AddN, 'webgpu');
  tf.registerKernel({
    ...addN,
    kernelFunc: (args) => {
      const backend = args.backend as unknown as WebGpuBackendLike;
      const inputs = args.inputs as unknown as tf.TensorInfo[];
      const maxInputs = Math.max(2, (backend.device?.limits?.maxStorageBuffersPerShaderStage ?? 8) - 1);
      const temporaries: tf.TensorInfo[] = [];
      let level = inputs;
      while (level.length > maxInputs) {
        const next: tf.TensorInfo[] = [];
        for (let start = 0; start < level.length; start += maxInputs) {
          const chunk = level.slice(start, start + maxInputs);
          if (chunk.length === 1) {
            next.push(chunk[0]!);
            continue;
          }
          const partial = addN.kernelFunc({
            ...args,
            inputs: chunk as unknown as tf.NamedTensorInfoMap,
          }) as tf.TensorInfo;
          temporaries.push(partial);
          next.push(partial);
        }
        level = next;
      }
      const sum = addN.kernelFunc({ ...args, inputs: level as unknown as tf.NamedTensorInfoMap });
      for (const temporary of temporaries) backend.disposeData(temporary.dataId);
      return sum;
    },
  });
}
