/**
 * Plug-in activations for experiments: an ES module that registers one or more activations with
 * `@normfree/activations`' `registerActivation` when it is imported, or exports a `register()`
 * function that does. The experiment records the modules in its plan and every process that trains
 * a run (this one, or a worker process) imports them before building a model, so a plug-in works
 * with `--workers N` as with one.
 *
 * The module must resolve the same installed copy of `@normfree/activations` as this package (a
 * second copy would have its own, empty registry): install it in the same project.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listActivations } from '@normfree/activations';
import { ExperimentInputError, errorMessage } from '../errors.js';

const loaded = new Map<string, Promise<readonly string[]>>();

/** A file path (relative to `cwd`) or a `file:` URL, as the absolute URL that `import()` takes. */
export function activationModuleUrl(specifier: string, cwd: string = process.cwd()): string {
  if (/^file:/.test(specifier)) return specifier;
  return pathToFileURL(isAbsolute(specifier) ? specifier : resolve(cwd, specifier)).href;
}

/**
 * Import a plug-in module once per process (a second call with the same URL waits for the first).
 * @param url - from {@link activationModuleUrl}.
 * @returns the activation kinds it added to the registry.
 * @throws ExperimentInputError naming the module when it cannot be imported or its `register` throws.
 */
export function loadActivationModule(url: string): Promise<readonly string[]> {
  let promise = loaded.get(url);
  if (promise === undefined) {
    promise = (async () => {
      const before = new Set(listActivations());
      let module: Record<string, unknown>;
      try {
        module = (await import(url)) as Record<string, unknown>;
        if (typeof module['register'] === 'function') await (module['register'] as () => unknown)();
      } catch (error) {
        loaded.delete(url);
        throw new ExperimentInputError(`activation module ${url} could not be loaded: ${errorMessage(error)}`);
      }
      return listActivations().filter((kind) => !before.has(kind));
    })();
    loaded.set(url, promise);
  }
  return promise;
}

/** Import every module of a plan or job, in order. */
export async function loadActivationModules(urls: readonly string[]): Promise<void> {
  for (const url of urls) await loadActivationModule(url);
}
