// `prepack`: build the addon into prebuilds/<platform>-<arch>/@normfree+backend-native[.glibc].node with
// prebuildify, so the package tarball carries a binary that loads without a compiler (node-gyp-build
// finds it at run time: src/addon.ts). One N-API binary (NAPI_VERSION=8, binding.gyp) serves every
// Node version. binding.gyp sets no -march, so the binary targets baseline x86-64; the kernels pick
// AVX-512/AVX2/scalar at run time (native/gemm.cc). Unlike scripts/build-native.mjs this one fails
// loudly: a tarball without its prebuilt binary must not be packed by accident.
//
// It builds in a temporary copy of binding.gyp and native/, so the workspace's build/Release (what
// the tests load, scripts/build-native.mjs) is never deleted or rebuilt under a running test.
//
//   node scripts/prebuild.mjs   (NORMFREE_PREBUILD=0 removes prebuilds/ instead, e.g. to pack on a machine
//                                without a compiler or to try the source-build fallback)
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeDir, findNodeGyp } from './node-gyp.mjs';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const tag = '[@normfree/backend-native]';

function fail(message) {
  console.error(`${tag} prebuild failed: ${message}`);
  process.exit(1);
}

if (process.env.NORMFREE_PREBUILD === '0') {
  // Also no binary left from an earlier prebuild: the tarball then really has none.
  rmSync(join(packageRoot, 'prebuilds'), { recursive: true, force: true });
  console.warn(`${tag} NORMFREE_PREBUILD=0: no prebuilt addon packed; installs will need a C++17 compiler`);
  process.exit(0);
}
const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) fail('node-gyp not found (it ships with npm)');
// prebuildify asks node-gyp for the newest Node's headers; a local header folder (node-gyp reads
// npm_config_nodedir; prebuildify passes its own process.env on) keeps it offline, and the N-API
// headers of any recent Node serve NAPI_VERSION=8.
const nodeDir = findNodeDir();
if (nodeDir !== undefined) process.env.npm_config_nodedir = nodeDir;

const work = mkdtempSync(join(tmpdir(), 'normfree-prebuild-'));
for (const entry of ['binding.gyp', 'native', 'package.json'])
  cpSync(join(packageRoot, entry), join(work, entry), { recursive: true });
const platformFolder = `${process.platform}-${process.arch}`;

const prebuildify = createRequire(import.meta.url)('prebuildify');
prebuildify(
  {
    cwd: work,
    napi: true,
    strip: true,
    tagLibc: true,
    // prebuildify spawns this through a shell with its own arguments appended.
    nodeGyp: `${JSON.stringify(process.execPath)} ${JSON.stringify(nodeGyp)}`,
    shell: true,
  },
  (error) => {
    try {
      if (error) fail(error.message);
      // Replace this platform's prebuilds with the new ones (renamed within one folder: never half-written).
      const built = join(work, 'prebuilds', platformFolder);
      const target = join(packageRoot, 'prebuilds', platformFolder);
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target, { recursive: true });
      const files = readdirSync(built);
      for (const file of files) {
        cpSync(join(built, file), join(target, `${file}.partial`));
        renameSync(join(target, `${file}.partial`), join(target, file));
      }
      console.log(`${tag} prebuilt ${files.map((file) => join('prebuilds', platformFolder, file)).join(', ')}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);
