// Vite config of the playground. Three things beyond the defaults:
// 1. `@normfree/source` first in the resolve conditions, so workspace packages are compiled from
//    their TypeScript sources (no stale dist/) and @normfree/backend resolves to its browser entry.
// 2. The wasm backend's binaries are served by the app itself under /tfjs-wasm/ (dev middleware,
//    emitted as assets in the build): no CDN, no network beyond the page's own server.
// 3. COOP/COEP headers, so the page is crossOriginIsolated (toolchain.md §11.5) and SharedArrayBuffer
//    exists (the wasm backend then loads its threaded-SIMD build).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

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
        if (request.url?.includes('/tfjs-wasm/') !== true || name === undefined || !wasmFiles.includes(name)) return next();
        response.setHeader('Content-Type', 'application/wasm');
        response.end(readFileSync(join(wasmDirectory, name)));
      });
    },
    generateBundle() {
      for (const name of wasmFiles) this.emitFile({ type: 'asset', fileName: `${wasmUrlPrefix}${name}`, source: readFileSync(join(wasmDirectory, name)) });
    },
  };
}

const isolationHeaders = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  base: './',
  resolve: { conditions: ['@normfree/source', ...defaultClientConditions] },
  plugins: [serveTfjsWasm()],
  server: { headers: isolationHeaders, host: '127.0.0.1' },
  preview: { headers: isolationHeaders, host: '127.0.0.1' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, sourcemap: false },
  worker: { format: 'es' },
});
