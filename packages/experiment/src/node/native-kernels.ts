/**
 * The optional native CPU kernels of `@normfree/backend-native` on the wasm backend (docs/performance.md:
 * the `bench` model trains about 5.7× faster with them on a 2-core machine). The package is imported
 * dynamically and never required: when it is absent, or its addon was not built, training runs on plain
 * wasm and the reason is returned for the caller to print.
 */
import type { NativeStatusSummary } from './bench/api.js';

export interface EnableNativeKernelsOptions {
  /** Register only these TF.js kernels (default: all the package has). */
  readonly kernels?: readonly string[];
  /**
   * Threads of the native kernels, the calling one included (default: the cores this process may use).
   * Runs that share a machine pass their share: `normfree reproduce` with 2 workers on 2 cores, 1 each.
   */
  readonly threads?: number;
}

type Register = (options: { backend: 'wasm'; log: null; kernels?: readonly string[]; threads?: number }) => NativeStatusSummary & { readonly threads?: number | null };

/**
 * Register the native kernels on the (already selected) wasm backend. Never throws for a missing
 * package or addon: `enabled: false` and the reason come back instead.
 */
export async function enableNativeKernels(options: EnableNativeKernelsOptions = {}): Promise<NativeStatusSummary> {
  let register: unknown;
  try {
    register = ((await import('@normfree/backend-native')) as Record<string, unknown>)['registerNativeKernels'];
  } catch (error) {
    return { enabled: false, reason: `@normfree/backend-native could not be loaded (${error instanceof Error ? error.message : String(error)})`, simd: null, kernels: [] };
  }
  if (typeof register !== 'function') {
    return { enabled: false, reason: '@normfree/backend-native has no registerNativeKernels export', simd: null, kernels: [] };
  }
  const status = (register as Register)({
    backend: 'wasm',
    log: null,
    ...(options.kernels !== undefined ? { kernels: options.kernels } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  return {
    enabled: status.enabled, reason: status.reason, simd: status.simd, kernels: [...status.kernels],
    ...(typeof status.threads === 'number' ? { threads: status.threads } : {}),
  };
}

/** How a run names its backend in `config.json` and the report: `wasm`, or `wasm+native (avx2+fma)`. */
export function backendLabel(backendName: string, native: NativeStatusSummary | undefined): string {
  return native?.enabled === true ? `${backendName}+native (${native.simd ?? 'unknown'})` : backendName;
}
