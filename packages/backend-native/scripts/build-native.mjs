// Build the optional N-API addon with node-gyp, offline (`--nodedir` points at installed Node headers:
// toolchain.md §11.9). A failed build prints the reason and exits 0: the package then serves plain
// wasm kernels, and `pnpm build` of the repository must not fail because of it.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeDir, findNodeGyp } from './node-gyp.mjs';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

function skip(reason) {
  console.warn(`[@normfree/backend-native] native addon not built, plain wasm kernels will be used: ${reason}`);
  process.exit(0);
}

if (process.env.NORMFREE_NATIVE === '0') skip('NORMFREE_NATIVE=0');
if (process.platform === 'win32') skip('Windows builds are not set up');

const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) skip('node-gyp not found (it ships with npm)');
const nodeDir = findNodeDir();
const args = [nodeGyp, 'rebuild', ...(nodeDir !== undefined ? [`--nodedir=${nodeDir}`] : [])];
const result = spawnSync(process.execPath, args, { cwd: packageRoot, encoding: 'utf8' });
if (result.status !== 0) {
  const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`
    .split('\n')
    .filter((line) => /error|ERR!/i.test(line))
    .slice(0, 8)
    .join('\n  ');
  skip(
    `node-gyp exited with ${result.status ?? result.signal}${nodeDir === undefined ? ' (no local Node headers found; node-gyp tried to download them)' : ''}\n  ${tail}`,
  );
}
console.log(
  `[@normfree/backend-native] native addon built (${join(packageRoot, 'build/Release/normfree_native.node')})`,
);
