/** The types of @normfree/backend, shared by the Node and the browser entries. */

/** Backend names normfree knows. `tensorflow` is tfjs-node(-gpu): optional, and not installable on our machines. */
export type BackendName = 'wasm' | 'cpu' | 'webgl' | 'webgpu' | 'tensorflow';

/** Every backend name, for command-line choices and pickers. */
export const backendNames: readonly BackendName[] = ['wasm', 'cpu', 'webgl', 'webgpu', 'tensorflow'];

/**
 * Where the browser fetches the wasm backend's binaries from: a URL prefix ending in `/` (the folder
 * holding `tfjs-backend-wasm.wasm`, `tfjs-backend-wasm-simd.wasm` and
 * `tfjs-backend-wasm-threaded-simd.wasm`), or one URL per file name. Ignored in Node.
 */
export type WasmPaths = string | Readonly<Partial<Record<WasmFileName, string>>>;

export type WasmFileName =
  'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

/** The three binaries the wasm backend may fetch; an app serving them serves all three. */
export const wasmFileNames: readonly WasmFileName[] = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

export interface SelectBackendOptions {
  /** The backend to try first; the others follow in the platform's default order. */
  readonly prefer?: BackendName;
  /** Try only `prefer`; throw (with the reason) instead of falling back. */
  readonly strict?: boolean;
  /** Do not print fallback reasons. */
  readonly quiet?: boolean;
  /** Where fallback reasons go (default: console.warn). */
  readonly log?: (message: string) => void;
  /** Browser only: where the wasm binaries are served (required for `wasm` in the browser). */
  readonly wasmPaths?: WasmPaths;
  /**
   * Accept a software WebGPU adapter (SwiftShader, llvmpipe/lavapipe, or one flagged
   * `isFallbackAdapter`). Default false: such adapters are 3–35× slower than wasm (toolchain.md §11.1),
   * so `webgpu` is skipped with the reason and the next backend is tried.
   */
  readonly allowSoftwareAdapter?: boolean;
  /**
   * Node only: which WebGPU adapter dawn.node uses: an index into `listGpuAdapters()`, part of an
   * adapter's name, vendor or description (case-insensitive), or `software` (the first software adapter;
   * this request allows it without `allowSoftwareAdapter`). Default: Dawn's high-performance choice.
   */
  readonly gpuAdapter?: string;
  /**
   * How to import each backend's package (its npm package is an optional peer dependency), e.g.
   * `{ webgl: () => import('@tensorflow/tfjs-backend-webgl') }`. The root entries have a default
   * loader for every backend and use these instead where given; `@normfree/backend/lean` (browser)
   * has none, so a bundle holds only the backends passed here.
   */
  readonly loaders?: BackendLoaders;
}

/** A dynamic import of a backend's package, per backend name. */
export type BackendLoaders = Readonly<Partial<Record<BackendName, () => Promise<unknown>>>>;

export interface SkippedBackend {
  readonly name: BackendName;
  readonly reason: string;
}

/** What a GPU adapter says about itself (WebGPU `GPUAdapterInfo`, or WebGL's unmasked renderer). */
export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for a CPU rasteriser: SwiftShader, llvmpipe/lavapipe, or a WebGPU fallback adapter. */
  readonly software: boolean;
}

export interface SelectedBackend {
  readonly name: BackendName;
  /** What the backend runs on, e.g. `wasm SIMD, 1 thread` or a WebGPU adapter description. */
  readonly info: string;
  /** The GPU adapter, for `webgl` and `webgpu`. */
  readonly adapter?: AdapterDescription;
  /** Backends tried before this one, each with the reason it was skipped. */
  readonly skipped: readonly SkippedBackend[];
}

/** One platform's way of bringing up one backend; returns its info line or throws the reason. */
export type BackendInitialiser = (
  options: SelectBackendOptions,
) => Promise<{ info: string; adapter?: AdapterDescription }>;
