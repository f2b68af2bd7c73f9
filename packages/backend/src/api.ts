/** Backend names normfree knows. `tensorflow` is tfjs-node(-gpu), optional and usually absent. */
export type BackendName = 'wasm' | 'cpu' | 'webgl' | 'webgpu' | 'tensorflow';

export interface SelectBackendOptions {
  /** The backend to try first; the others follow in the platform's default order. */
  readonly prefer?: BackendName;
  /** Try only `prefer`; throw instead of falling back. */
  readonly strict?: boolean;
  /** Do not print fallback reasons. */
  readonly quiet?: boolean;
  /** Where fallback reasons go (default: console.warn). */
  readonly log?: (message: string) => void;
}

export interface SkippedBackend {
  readonly name: BackendName;
  readonly reason: string;
}

export interface SelectedBackend {
  readonly name: BackendName;
  /** What the backend runs on, e.g. `wasm SIMD, 1 thread` or a WebGPU adapter description. */
  readonly info: string;
  readonly skipped: readonly SkippedBackend[];
}
