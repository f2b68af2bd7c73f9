export type {
  AdapterDescription,
  BackendInitialiser,
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
export { backendPackages } from './optional-package.js';
export { adapterLine, describeAdapter, softwareAdapterReason, type AdapterLike } from './webgpu-adapter.js';
export { browserBackendOrder, registerGradients, releaseBackend, selectBackend } from './select-backend.browser.js';
