export type { BackendName, SelectBackendOptions, SelectedBackend, SkippedBackend } from './api.js';
export { selectBackend, registerGradients } from './node.js';
