/**
 * The optional native CPU kernels of `@normfree/backend-native` on the wasm backend (docs/performance.md:
 * the `bench` model trains about 5.7× faster with them on a 2-core machine). The package is imported
 * dynamically and never required: when it is not installed, or no addon loads (no prebuilt binary for
 * this platform and no source build), training runs on plain wasm and the reason, which says how to
 * get the kernels, is returned for the caller to print.
 */
// Types only: the package itself is loaded with import() below, and only when asked for.
import type {
  AddonSource,
  NativeKernelsStatus,
  RegisterNativeKernelsOptions,
  SimdLevel,
  loadAddon,
  registerNativeKernels,
} from '@normfree/backend-native';

const packageName = '@normfree/backend-native';

/**
 * What {@link enableNativeKernels} reports: @normfree/backend-native's status as plain JSON for run
 * and bench records (`threads` absent, not null, when the kernels are off).
 */
export interface NativeKernelsSummary extends Omit<NativeKernelsStatus, 'threads'> {
  readonly threads?: number;
}

/** Imports a package by name (tests inject a failing one). */
export type ImportPackage = (name: string) => Promise<unknown>;

export interface EnableNativeKernelsOptions extends Pick<RegisterNativeKernelsOptions, 'kernels'> {
  /**
   * Threads of the native kernels, the calling one included (default: the cores this process may use).
   * Runs that share a machine pass their share: `normfree reproduce` with 2 workers on 2 cores, 1 each.
   */
  readonly threads?: number;
  /** How `@normfree/backend-native` is imported (default: `import()`; tests pass a failing one). */
  readonly importPackage?: ImportPackage;
}

/** The package's exports as this file uses them (checked at run time: the installed version may differ). */
type Register = typeof registerNativeKernels;
type LoadAddon = typeof loadAddon;

const defaultImport: ImportPackage = (name) => import(name);

/**
 * The package's exports, or why it could not be imported: not installed (it is an optional
 * dependency, and `npm install --omit=optional` or a failed optional install leaves it out), or an
 * error while loading it.
 */
async function importNativePackage(
  importPackage: ImportPackage,
): Promise<{ exports: Record<string, unknown> } | { reason: string }> {
  try {
    return { exports: (await importPackage(packageName)) as Record<string, unknown> };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${packageName}'`)) {
      return {
        reason: `${packageName} is not installed (an optional dependency of @normfree/cli and @normfree/experiment; \`npm install ${packageName}\` adds it)`,
      };
    }
    return { reason: `${packageName} could not be loaded (${message})` };
  }
}

/**
 * Register the native kernels on the (already selected) wasm backend. Never throws for a missing
 * package or addon: `enabled: false` and the reason (which says how to get the kernels) come back instead.
 */
export async function enableNativeKernels(options: EnableNativeKernelsOptions = {}): Promise<NativeKernelsSummary> {
  const imported = await importNativePackage(options.importPackage ?? defaultImport);
  if ('reason' in imported) return { enabled: false, reason: imported.reason, simd: null, kernels: [] };
  const register = imported.exports['registerNativeKernels'];
  if (typeof register !== 'function') {
    return { enabled: false, reason: `${packageName} has no registerNativeKernels export`, simd: null, kernels: [] };
  }
  const status = (register as Register)({
    backend: 'wasm',
    log: null,
    ...(options.kernels !== undefined ? { kernels: options.kernels } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  return {
    enabled: status.enabled,
    reason: status.reason,
    simd: status.simd,
    kernels: [...status.kernels],
    ...(typeof status.threads === 'number' ? { threads: status.threads } : {}),
  };
}

/** Whether the native kernels can be used here, without starting TF.js (`normfree backends`). */
export interface NativeKernelsCheck {
  readonly available: boolean;
  /** Which addon loaded (`prebuilt addon /…/prebuilds/linux-x64/…`), or why none did and how to get it. */
  readonly reason: string;
  /** SIMD level the kernels would use, or null when unavailable. */
  readonly simd: SimdLevel | null;
  /** Threads the kernels would use, or null when unavailable. */
  readonly threads: number | null;
  /** Where the addon came from: `prebuilt` (shipped in the package) or `source build`; null when unavailable. */
  readonly source: AddonSource | null;
}

/**
 * Load the addon of `@normfree/backend-native` (nothing is registered, no backend is started) and say
 * what it runs or why it cannot be used. Never throws.
 */
export async function checkNativeKernels(
  options: { readonly importPackage?: ImportPackage } = {},
): Promise<NativeKernelsCheck> {
  const unavailable = (reason: string): NativeKernelsCheck => ({
    available: false,
    reason,
    simd: null,
    threads: null,
    source: null,
  });
  const imported = await importNativePackage(options.importPackage ?? defaultImport);
  if ('reason' in imported) return unavailable(imported.reason);
  const load = imported.exports['loadAddon'];
  if (typeof load !== 'function') return unavailable(`${packageName} has no loadAddon export`);
  const loaded = (load as LoadAddon)();
  if (loaded.addon === null) return unavailable(loaded.reason);
  const info = loaded.addon.info();
  const { source, path } = loaded;
  return { available: true, reason: `${source} addon ${path}`, simd: info.simd, threads: info.threads, source };
}

/** How a run names its backend in `config.json` and the report: `wasm`, or `wasm+native (avx2+fma)`. */
export function backendLabel(backendName: string, native: NativeKernelsSummary | undefined): string {
  return native?.enabled === true ? `${backendName}+native (${native.simd ?? 'unknown'})` : backendName;
}
