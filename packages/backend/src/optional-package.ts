/**
 * The TF.js backends (and, in Node, the `@tensorflow/tfjs` union that registers the gradients) are
 * optional peer dependencies of @normfree/backend: an app installs the ones it uses. Each is loaded by
 * a dynamic `import()` only when chosen, through {@link importPackage}, so a missing one is a clear
 * error naming the backend and the package to install, not a module-not-found at import time.
 * Platform-neutral.
 */
import { version_core } from '@tensorflow/tfjs-core';
import type { BackendName } from './api.js';

/** The npm package each TF.js backend lives in (`tensorflow` is tfjs-node-gpu, or tfjs-node). */
export const backendPackages: Readonly<Record<BackendName, string>> = {
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Did this import fail because `name` is not installed (rather than failing while it loaded)? */
export function isNotInstalled(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  const notFound =
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (package|module)|Failed to (resolve|load)|Could not resolve/i.test(firstLine);
  return notFound && firstLine.includes(name);
}

/** The command that installs `name` at the version of the installed tfjs-core (TF.js packages pin it exactly). */
export function installCommand(name: string): string {
  return `npm install ${name}@${version_core}`;
}

/**
 * Import an optional TF.js package for `purpose` (`backend 'wasm'`, …) with `load` (a dynamic
 * `import()` of exactly `name`); throws `<purpose> needs <name>, which is not installed: npm install
 * <name>@<tfjs-core's version>` when it is missing, and rethrows any other failure.
 */
export async function importPackage<T>(purpose: string, name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isNotInstalled(error, name)) throw error;
    throw new Error(
      `${purpose} needs ${name}, which is not installed: ${installCommand(name)} (your @tensorflow/tfjs-core's version; ` +
        'an optional peer dependency of @normfree/backend, installed by the apps that use it)',
      { cause: error },
    );
  }
}
