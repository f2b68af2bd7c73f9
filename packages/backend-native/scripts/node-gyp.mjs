// Where node-gyp and the Node headers are, for scripts/build-native.mjs and scripts/prebuild.mjs.
// Both build offline when the headers are installed (toolchain.md §11.9): Debian's nodejs-dev puts
// them in /usr/include/node; official Node tarballs next to the binary.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** node-gyp's bin/node-gyp.js: the one npm or pnpm runs scripts with, else npm's bundled copy, else a global one; undefined when none. */
export function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not a dependency */
  }
  const npmPrefix = dirname(dirname(process.execPath));
  candidates.push(join(npmPrefix, 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  candidates.push(
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  );
  return candidates.find(
    (candidate) => typeof candidate === 'string' && candidate.endsWith('.js') && existsSync(candidate),
  );
}

/** A folder with include/node/node_api.h (node-gyp's --nodedir), or undefined: node-gyp then downloads headers. */
export function findNodeDir() {
  const nodeDirs = [process.env.npm_config_nodedir, '/usr', dirname(dirname(process.execPath))].filter(Boolean);
  return nodeDirs.find((dir) => existsSync(join(dir, 'include/node/node_api.h')));
}
