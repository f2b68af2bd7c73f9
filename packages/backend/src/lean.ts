/**
 * `@normfree/backend/lean`: browser backend selection that imports no backend package by itself. The
 * app passes a loader for each backend it installed, so its bundle holds only those, and it installs
 * only those:
 *
 * @example
 * import { selectBackend } from '@normfree/backend/lean';
 * const backend = await selectBackend({
 *   prefer: 'webgl',
 *   wasmPaths: '/tfjs-wasm/',
 *   loaders: { webgl: () => import('@tensorflow/tfjs-backend-webgl'), wasm: () => import('@tensorflow/tfjs-backend-wasm') },
 * });
 *
 * A backend without a loader is skipped (or, when strict, fails) with the package to install. Browser
 * only: it registers the gradients through tfjs-core's ESM `register_all_gradients`, which Node cannot
 * load (toolchain.md §11.9); Node apps use the root entry.
 */
import type { SelectBackendOptions, SelectedBackend } from './api.js';
import { selectBrowserBackend } from './browser-selection.js';

export type {
  AdapterDescription,
  BackendLoaders,
  BackendName,
  SelectBackendOptions,
  SelectedBackend,
  SkippedBackend,
  WasmFileName,
  WasmPaths,
} from './api.js';
export { backendNames, wasmFileNames } from './api.js';
export { backendOrder } from './backend-order.js';
export { browserBackendOrder, registerGradients, releaseBackend } from './browser-selection.js';
export { backendPackages } from './optional-package.js';
export { adapterLine, describeAdapter, softwareAdapterReason, type AdapterLike } from './webgpu-adapter.js';

/** Choose and initialise a TF.js backend in the browser with the app's `loaders` only. */
export function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  return selectBrowserBackend({}, options);
}
