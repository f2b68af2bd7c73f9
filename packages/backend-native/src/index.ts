export type { NativeKernelsStatus, RegisterNativeKernelsOptions, SimdLevel } from './api.js';
export { loadAddon, addonPath, type NativeAddon, type AddonResult } from './addon.js';
export { registerNativeKernels, unregisterNativeKernels, registeredNativeKernels, nativeKernelNames, fastBatchedProductsFlag } from './register-native-kernels.js';
