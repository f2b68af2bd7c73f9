// What the CLI says about the native kernels when @normfree/backend-native is missing or its addon
// loads (checkNativeKernels for `normfree backends`, enableNativeKernels for training).
import { loadAddon } from '@normfree/backend-native';
import { describe, expect, it } from 'vitest';
import { checkNativeKernels, enableNativeKernels } from './native-kernels.js';

/** What Node throws for `import('@normfree/backend-native')` where the package is not installed. */
function notInstalled(): Promise<never> {
  return Promise.reject(
    Object.assign(
      new Error(
        "Cannot find package '@normfree/backend-native' imported from /project/node_modules/@normfree/experiment/dist/node/native-kernels.js",
      ),
      { code: 'ERR_MODULE_NOT_FOUND' },
    ),
  );
}

describe('native kernels when @normfree/backend-native is missing or broken', () => {
  it('should say the optional package is not installed and how to add it', async () => {
    const check = await checkNativeKernels({ importPackage: notInstalled });
    expect(check).toMatchObject({ available: false, simd: null, threads: null, source: null });
    expect(check.reason).toBe(
      '@normfree/backend-native is not installed (an optional dependency of @normfree/cli and @normfree/experiment; `npm install @normfree/backend-native` adds it)',
    );
    const status = await enableNativeKernels({ importPackage: notInstalled });
    expect(status).toMatchObject({ enabled: false, simd: null, kernels: [], reason: check.reason });
  });

  it('should pass on any other import error (a missing dependency of the package, a syntax error)', async () => {
    const broken = () =>
      Promise.reject(
        Object.assign(
          new Error(
            "Cannot find package 'node-gyp-build' imported from /project/node_modules/@normfree/backend-native/dist/addon.js",
          ),
          { code: 'ERR_MODULE_NOT_FOUND' },
        ),
      );
    expect((await checkNativeKernels({ importPackage: broken })).reason).toBe(
      "@normfree/backend-native could not be loaded (Cannot find package 'node-gyp-build' imported from /project/node_modules/@normfree/backend-native/dist/addon.js)",
    );
  });
});

describe('checkNativeKernels on this machine', () => {
  it('should report the addon loadAddon finds, with its source and SIMD level, or the loader reason', async () => {
    const loaded = loadAddon();
    const check = await checkNativeKernels();
    if (loaded.addon === null) {
      expect(check).toMatchObject({ available: false, reason: loaded.reason });
      return;
    }
    expect(check).toMatchObject({
      available: true,
      source: loaded.source,
      simd: loaded.addon.info().simd,
      threads: loaded.addon.info().threads,
    });
    expect(check.reason).toBe(`${loaded.source} addon ${loaded.path}`);
  });
});
