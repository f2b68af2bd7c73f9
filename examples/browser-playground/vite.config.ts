// Vite config of the playground. Four things beyond the defaults:
// 1. `@normfree/source` first in the resolve conditions, so workspace packages are compiled from
//    their TypeScript sources (no stale dist/) and @normfree/backend resolves to its browser entry.
// 2. The wasm backend's binaries are served by the app itself under /tfjs-wasm/ (dev middleware,
//    emitted as assets in the build): no CDN, no network beyond the page's own server.
// 3. COOP/COEP headers, so the page is crossOriginIsolated (toolchain.md §11.5) and SharedArrayBuffer
//    exists (the wasm backend then loads its threaded-SIMD build).
// 4. The embedded corpus as token stores, one per window length of the page's presets, served under
//    /default-stores/<tokenizer>-t<T>/ (dev middleware answering byte ranges; emitted as assets in
//    the build): the page reads them with openRemoteTokenStore, exactly as it reads a --data store.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDefaultTokenStore } from '@normfree/data/node';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';
import { defaultStoreUrlPrefix, pageStoreSeqLens } from './src/default-store-url.js';

const here = dirname(fileURLToPath(import.meta.url));
// The wasm backend is a dependency of @normfree/backend, so resolve it from there.
const requireFromBackend = createRequire(join(here, '../../packages/backend/package.json'));
const wasmDirectory = join(dirname(requireFromBackend.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const wasmFiles = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
export const wasmUrlPrefix = 'tfjs-wasm/';

function serveTfjsWasm(): Plugin {
  return {
    name: 'normfree-serve-tfjs-wasm',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.split('?')[0]?.replace(/^.*\/tfjs-wasm\//, '');
        if (request.url?.includes('/tfjs-wasm/') !== true || name === undefined || !wasmFiles.includes(name))
          return next();
        response.setHeader('Content-Type', 'application/wasm');
        response.end(readFileSync(join(wasmDirectory, name)));
      });
    },
    generateBundle() {
      for (const name of wasmFiles)
        this.emitFile({
          type: 'asset',
          fileName: `${wasmUrlPrefix}${name}`,
          source: readFileSync(join(wasmDirectory, name)),
        });
    },
  };
}

/** The default stores of the page's window lengths: URL folder name → folder on disk (prepared once, cached). */
async function defaultStores(): Promise<Map<string, string>> {
  const stores = new Map<string, string>();
  for (const seqLen of pageStoreSeqLens)
    stores.set(`default-4096-t${seqLen}`, await ensureDefaultTokenStore({ tokenizer: 'default-4096', seqLen }));
  return stores;
}

/** Every file of a store (manifest, tokenizer, shards), relative to it; hidden files stay home. */
function storeFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

function serveDefaultStores(): Plugin {
  let stores: Promise<Map<string, string>> | undefined;
  return {
    name: 'normfree-serve-default-stores',
    configureServer(server) {
      stores ??= defaultStores();
      server.middlewares.use((request, response, next) => {
        const path = request.url?.split('?')[0] ?? '';
        const at = path.indexOf(`/${defaultStoreUrlPrefix}`);
        if (at < 0) return next();
        const [name, ...rest] = path.slice(at + defaultStoreUrlPrefix.length + 1).split('/');
        void stores!.then((found) => {
          const dir = found.get(name ?? '');
          const file = rest.join('/');
          if (dir === undefined || !storeFiles(dir).includes(file)) return next();
          const body = readFileSync(join(dir, file));
          // Single byte ranges (`bytes=a-b`): how the remote reader fetches windows of a shard.
          const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
          response.setHeader('Accept-Ranges', 'bytes');
          response.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
          if (range === null) return void response.end(body);
          const start = Number(range[1]);
          const end = Math.min(Number(range[2]), body.length - 1);
          response.statusCode = 206;
          response.setHeader('Content-Range', `bytes ${start}-${end}/${body.length}`);
          response.end(body.subarray(start, end + 1));
        }, next);
      });
    },
    async generateBundle() {
      for (const [name, dir] of await (stores ??= defaultStores())) {
        for (const file of storeFiles(dir)) {
          this.emitFile({
            type: 'asset',
            fileName: `${defaultStoreUrlPrefix}${name}/${file}`,
            source: readFileSync(join(dir, file)),
          });
        }
      }
    },
  };
}

const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  resolve: { conditions: ['@normfree/source', ...defaultClientConditions] },
  plugins: [serveTfjsWasm(), serveDefaultStores()],
  server: { headers: isolationHeaders, host: '127.0.0.1' },
  preview: { headers: isolationHeaders, host: '127.0.0.1' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, sourcemap: false },
  worker: { format: 'es' },
});
