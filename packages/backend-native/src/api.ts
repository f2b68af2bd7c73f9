/** Types of @normfree/backend-native. */

/** SIMD level of the native kernels, detected at run time from the CPU. */
export type SimdLevel = 'avx512' | 'avx2+fma' | 'scalar';

export interface RegisterNativeKernelsOptions {
  /** The TF.js backend to host the kernels. Only `wasm` is supported (native code works on its heap). */
  readonly backend: 'wasm';
  /** Kernel names to override (default: all of {@link nativeKernelNames}). */
  readonly kernels?: readonly string[];
  /** Lower the SIMD level, e.g. to test the AVX2 path on an AVX-512 CPU (never raised above the CPU's). */
  readonly simd?: SimdLevel;
  /**
   * Threads the native kernels use (the calling thread included; ≥ 1). Default: leave the current
   * count, which starts at the cores this process may use (`os.availableParallelism()`). Runs that share
   * the machine pass their share, e.g. 1 each for two runs on two cores. Results do not depend on it
   * (bit-identical, see the README's Accuracy).
   */
  readonly threads?: number;
  /** Where the fallback reason goes when the addon cannot be used (default: console.warn; `null`: silent). */
  readonly log?: ((message: string) => void) | null;
}

export interface NativeKernelsStatus {
  /** True when native kernels now serve the listed TF.js kernels. */
  readonly enabled: boolean;
  /** Why the plain backend is used, or what was registered. */
  readonly reason: string;
  /** TF.js kernel names now served natively (empty when disabled). */
  readonly kernels: readonly string[];
  /** SIMD level in use, or null when disabled. */
  readonly simd: SimdLevel | null;
  /** Threads the native kernels use, or null when disabled. */
  readonly threads: number | null;
}
