export type { NativeKernelsStatus, RegisterNativeKernelsOptions, SimdLevel } from './api.js';
export { loadAddon, addonPath, type NativeAddon, type AddonResult, type AddonSource } from './addon.js';
export {
  registerNativeKernels,
  unregisterNativeKernels,
  registeredNativeKernels,
  nativeKernelNames,
} from './register-native-kernels.js';
/**
 * The TF.js flag `registerNativeKernels` sets to 'wasm' while the native `BatchMatMul` serves it, so
 * `@normfree/transformer`'s attention does one batched product. Defined once in `@normfree/core/tfjs`
 * (re-exported: this package's README documents it as part of its API).
 */
export { fastBatchedProductsFlag } from '@normfree/core/tfjs';
