/** The playground's backend selection: the app serves the wasm binaries itself (vite.config.ts). */
import { selectBackend, type BackendName, type SelectedBackend } from '@normfree/backend';
import { definedFields } from '@normfree/core';

/** Backends offered in the page, fastest first on a machine with a GPU. */
export const pageBackends: readonly BackendName[] = ['webgl', 'webgpu', 'wasm', 'cpu'];

/** Where this page serves tfjs-backend-wasm*.wasm (relative to the page, so any base path works). */
export const wasmPaths = new URL('./tfjs-wasm/', document.baseURI).href;

/** Select `name` (falling back with printed reasons unless `strict`). */
export function choosePageBackend(
  name: BackendName,
  options: { strict?: boolean; allowSoftwareAdapter?: boolean; log?: (message: string) => void } = {},
): Promise<SelectedBackend> {
  return selectBackend({
    prefer: name,
    wasmPaths,
    strict: options.strict ?? false,
    allowSoftwareAdapter: options.allowSoftwareAdapter ?? false,
    ...definedFields({ log: options.log }),
  });
}
