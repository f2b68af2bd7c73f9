/**
 * Backend selection in Node. Registers TF.js's gradients once (tfjs-core's Node bundle registers
 * none; toolchain.md §11.2 / §11.9), then initialises the preferred backend, falling back with a
 * printed reason.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, SelectBackendOptions, SelectedBackend, SkippedBackend } from './api.js';

let gradientsRegistered: Promise<void> | undefined;

/** Register every TF.js gradient (idempotent). Loads the `@tensorflow/tfjs` union for its side effect. */
export function registerGradients(): Promise<void> {
  gradientsRegistered ??= import('@tensorflow/tfjs').then(() => undefined);
  return gradientsRegistered;
}

const nodeOrder: readonly BackendName[] = ['wasm', 'cpu'];

async function initialise(name: BackendName): Promise<string> {
  switch (name) {
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      if (!(await tf.setBackend('cpu'))) throw new Error('setBackend("cpu") returned false');
      return 'pure JavaScript';
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      void wasm;
      if (!(await tf.setBackend('wasm'))) throw new Error('setBackend("wasm") returned false');
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return `wasm${simd === true ? ' SIMD' : ''}, 1 thread (tfjs#3830: no wasm threads in Node)`;
    }
    default:
      throw new Error(`backend '${name}' is not available in this build of @normfree/backend for Node yet`);
  }
}

/** Choose and initialise a backend. Apps call this once; libraries never do. */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  await registerGradients();
  const log = options.log ?? ((message: string) => console.warn(message));
  const order = options.prefer === undefined ? nodeOrder : options.strict === true ? [options.prefer] : [options.prefer, ...nodeOrder.filter((name) => name !== options.prefer)];
  const skipped: SkippedBackend[] = [];
  for (const name of order) {
    try {
      const info = await initialise(name);
      await tf.ready();
      return { name, info, skipped };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      skipped.push({ name, reason });
      if (options.quiet !== true) log(`[normfree] backend '${name}' unavailable: ${reason}`);
    }
  }
  throw new Error(`no TF.js backend could be initialised: ${skipped.map((entry) => `${entry.name}: ${entry.reason}`).join('; ')}`);
}
