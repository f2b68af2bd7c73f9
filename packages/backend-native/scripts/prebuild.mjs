// `prepack`: build the addon into prebuilds/<platform>-<arch>/@normfree+backend-native[.glibc].node with
// prebuildify, so the package tarball carries a binary that loads without a compiler (node-gyp-build
// finds it at run time: src/addon.ts). One N-API binary (NAPI_VERSION=8, binding.gyp) serves every
// Node version. binding.gyp sets no -march, so the binary targets baseline x86-64; the kernels pick
// AVX-512/AVX2/scalar at run time (native/gemm.cc). Unlike scripts/build-native.mjs this one fails
// loudly: a tarball without its prebuilt binary must not be packed by accident.
//
//   node scripts/prebuild.mjs          (NORMFREE_PREBUILD=0 skips it, e.g. to pack on a machine without a compiler)
import { createRequire } from 'node:module';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeDir, findNodeGyp } from './node-gyp.mjs';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const tag = '[@normfree/backend-native]';

if (process.env.NORMFREE_PREBUILD === '0') {
  console.warn(`${tag} NORMFREE_PREBUILD=0: no prebuilt addon packed; installs will need a C++17 compiler`);
  process.exit(0);
}
const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) {
  console.error(`${tag} prebuild failed: node-gyp not found (it ships with npm)`);
  process.exit(1);
}
const nodeDir = findNodeDir();
// prebuildify asks node-gyp for the newest Node's headers; a local header folder (node-gyp reads
// npm_config_nodedir; prebuildify passes its own process.env on) keeps it offline, and the N-API
// headers of any recent Node serve NAPI_VERSION=8.
if (nodeDir !== undefined) process.env.npm_config_nodedir = nodeDir;

// A fresh prebuilds/ for this platform, so a stale binary is never packed.
const outputFolder = join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
rmSync(outputFolder, { recursive: true, force: true });

const prebuildify = createRequire(import.meta.url)('prebuildify');
prebuildify({
  cwd: packageRoot,
  napi: true,
  strip: true,
  tagLibc: true,
  // prebuildify spawns this through a shell with its own arguments appended.
  nodeGyp: `${JSON.stringify(process.execPath)} ${JSON.stringify(nodeGyp)}`,
  shell: true,
}, (error) => {
  if (error) {
    console.error(`${tag} prebuild failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`${tag} prebuilt ${readdirSync(outputFolder).map((file) => join('prebuilds', `${process.platform}-${process.arch}`, file)).join(', ')}`);
});
