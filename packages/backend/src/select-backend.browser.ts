/**
 * The root browser entry's selection: every browser backend has a default loader (a dynamic import
 * of its package), so `selectBackend({ prefer: 'webgl' })` works as before. A bundler resolves all
 * four imports, so an app bundling this entry installs @tensorflow/tfjs-backend-webgl, -webgpu, -wasm
 * and -cpu; an app that installs fewer uses `@normfree/backend/lean` and passes `loaders`.
 */
import type { BackendLoaders, SelectBackendOptions, SelectedBackend } from './api.js';
import { selectBrowserBackend } from './browser-selection.js';

export { browserBackendOrder, registerGradients, releaseBackend } from './browser-selection.js';

/** Dynamic imports of the four browser backends' packages (optional peer dependencies). */
const browserLoaders: BackendLoaders = {
  webgl: () => import('@tensorflow/tfjs-backend-webgl'),
  webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
  wasm: () => import('@tensorflow/tfjs-backend-wasm'),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

/**
 * Choose and initialise a TF.js backend in the browser, after registering the gradients.
 *
 * @example
 * const backend = await selectBackend({ prefer: 'webgl', wasmPaths: '/tfjs-wasm/' });
 * statusLine.textContent = `${backend.name}: ${backend.info}`;
 */
export function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  return selectBrowserBackend(browserLoaders, options);
}
