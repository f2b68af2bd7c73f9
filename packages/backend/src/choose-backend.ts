/** The selection loop shared by the Node and browser entries: try, record the reason, fall back. */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendInitialiser, BackendName, SelectBackendOptions, SelectedBackend, SkippedBackend } from './api.js';
import { backendOrder } from './backend-order.js';

export interface Platform {
  /** `node` or `browser`, for messages. */
  readonly name: string;
  /** Default order when nothing is preferred. */
  readonly defaults: readonly BackendName[];
  /** How to initialise each backend this platform knows; others are skipped as unknown here. */
  readonly initialisers: Partial<Record<BackendName, BackendInitialiser>>;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Try the backends in order until one initialises; every skipped one is logged (unless `quiet`) and
 * returned with its reason. Throws, listing every reason, when none works (or the strict one fails).
 */
export async function chooseBackend(platform: Platform, options: SelectBackendOptions): Promise<SelectedBackend> {
  const log = options.log ?? ((message: string) => console.warn(message));
  const skipped: SkippedBackend[] = [];
  for (const name of backendOrder(platform.defaults, options.prefer, options.strict)) {
    const initialise = platform.initialisers[name];
    try {
      if (initialise === undefined)
        throw new Error(
          `'${name}' is not available in ${platform.name} (it runs in: ${name === 'webgl' ? 'the browser' : name === 'tensorflow' ? 'Node' : 'both'})`,
        );
      const { info, adapter } = await initialise(options);
      await tf.ready();
      if (tf.getBackend() !== name)
        throw new Error(`tf.getBackend() is '${tf.getBackend()}' after setBackend('${name}')`);
      if (skipped.length > 0 && options.quiet !== true) log(`[normfree] using backend '${name}' (${info})`);
      return adapter === undefined ? { name, info, skipped } : { name, info, adapter, skipped };
    } catch (error) {
      const reason = reasonOf(error);
      skipped.push({ name, reason });
      if (options.quiet !== true) log(`[normfree] backend '${name}' unavailable: ${reason}`);
    }
  }
  const reasons = skipped.map((entry) => `${entry.name}: ${entry.reason}`).join('; ');
  if (options.strict === true)
    throw new Error(`backend '${options.prefer ?? '?'}' (strict) could not be initialised: ${reasons}`);
  throw new Error(`no TF.js backend could be initialised: ${reasons}`);
}

/** `tf.setBackend` that throws instead of returning false (its failure reason goes to the console). */
export async function setBackendOrThrow(name: string): Promise<void> {
  if (!(await tf.setBackend(name)))
    throw new Error(`tf.setBackend('${name}') returned false (see the console for TF.js's reason)`);
}
