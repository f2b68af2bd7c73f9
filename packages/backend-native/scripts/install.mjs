// The package's `install` script. Its being there also stops npm and pnpm from running their implicit
// `node-gyp rebuild` for binding.gyp, whose failure (no compiler, no Python, arm64 before the SIMD
// guards) aborted the whole install of @normfree/cli. This script never fails an install:
//
//   1. a checkout of the repository: nothing (`pnpm build` builds the addon, scripts/build-native.mjs);
//   2. NORMFREE_NATIVE=0: nothing;
//   3. an addon loads (the prebuilt binary for this platform, or an earlier source build): nothing,
//      unless a source build is asked for (`npm rebuild @normfree/backend-native --build-from-source`);
//   4. else a source build with scripts/build-native.mjs, which prints why it failed and exits 0;
//      the package then reports why at run time and TF.js's own wasm kernels are used.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const tag = '[@normfree/backend-native]';

/** The addon node-gyp-build finds and loads, or the error (a message) why none did. */
function loadedAddon() {
  try {
    const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build');
    const path = nodeGypBuild.path(packageRoot);
    createRequire(import.meta.url)(path);
    return { path };
  } catch (error) {
    return { error: (error instanceof Error ? error.message : String(error)).split('\n')[0] };
  }
}

function main() {
  // tsconfig.json is not in the published files: its presence means a checkout of the repository.
  if (existsSync(join(packageRoot, 'tsconfig.json'))) return;
  if (process.env.NORMFREE_NATIVE === '0') {
    console.log(`${tag} NORMFREE_NATIVE=0: native addon not checked or built`);
    return;
  }
  const fromSource = ['true', '1', ''].includes(process.env.npm_config_build_from_source ?? 'unset');
  if (!fromSource) {
    const loaded = loadedAddon();
    if (loaded.path !== undefined) {
      console.log(`${tag} native addon loads: ${loaded.path}`);
      return;
    }
    console.log(
      `${tag} no usable prebuilt addon for ${process.platform}-${process.arch} (${loaded.error}); trying a source build`,
    );
  }
  const result = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'build-native.mjs')], {
    cwd: packageRoot,
    stdio: 'inherit',
  });
  if (result.error !== undefined) console.warn(`${tag} source build could not start: ${result.error.message}`);
}

try {
  main();
} catch (error) {
  console.warn(
    `${tag} install check failed, the package will use plain wasm kernels: ${error instanceof Error ? error.message : String(error)}`,
  );
}
process.exitCode = 0;
