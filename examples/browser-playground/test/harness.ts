// Test harness for the playground: build it with Vite, serve the build from 127.0.0.1 with COOP/COEP
// headers, and drive Debian's Chromium through playwright-core (toolchain.md §11.5).
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const playgroundRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repositoryRoot = resolve(playgroundRoot, '../..');
export const chromiumPath = process.env['NORMFREE_CHROMIUM'] ?? '/usr/bin/chromium';
/** Screenshots and traces (gitignored). */
export const resultsDirectory = join(playgroundRoot, 'test-results');

/** Why the browser tests cannot run, or undefined. Skipping needs NORMFREE_SKIP_BROWSER=1; otherwise they fail with this. */
export function missingBrowserReason(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  return `${chromiumPath} is missing: install Debian's Chromium (\`apt-get install -y chromium\`, or run tools/ensure-chromium.sh), or set NORMFREE_SKIP_BROWSER=1 to skip the browser tests`;
}

export const skipBrowser = process.env['NORMFREE_SKIP_BROWSER'] === '1';

/** Build the app into a fresh temporary folder (the build must not race a developer's dist/). */
export async function buildPlayground(): Promise<string> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'normfree-playground-'));
  await build({
    root: playgroundRoot,
    configFile: join(playgroundRoot, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.gz': 'application/gzip',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve a folder from 127.0.0.1 on a free port, crossOriginIsolated. `mounts` maps URL prefixes
 * (e.g. `/__fixtures__/`) to other folders.
 */
export async function serveFolder(
  folder: string,
  mounts: Readonly<Record<string, string>> = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/');
    const mount = Object.keys(mounts).find((prefix) => path.startsWith(prefix));
    const root = mount === undefined ? folder : mounts[mount]!;
    const relativePath = mount === undefined ? path : path.slice(mount.length);
    const file = normalize(
      join(root, relativePath.endsWith('/') || relativePath === '' ? `${relativePath}/index.html` : relativePath),
    );
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end(`not found: ${path}`);
      return;
    }
    const headers = {
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      'Accept-Ranges': 'bytes',
    };
    const body = readFileSync(file);
    // Single byte ranges (`bytes=a-b`), as a static file server or object store answers them: the
    // token-store reader fetches windows of shards this way.
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (range !== null) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), body.length - 1);
      if (start > end) {
        response.writeHead(416, { ...headers, 'Content-Range': `bytes */${body.length}` }).end();
        return;
      }
      response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${body.length}` });
      response.end(body.subarray(start, end + 1));
      return;
    }
    response.writeHead(200, headers);
    response.end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no port');
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Launch headless Chromium with the flags of toolchain.md §11.5 and a fresh profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'normfree-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    // Playwright adds --enable-unsafe-swiftshader; Chromium 156 headless does not need it.
    ignoreDefaultArgs: ['--enable-unsafe-swiftshader'],
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 960 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function ensureResultsDirectory(): string {
  mkdirSync(resultsDirectory, { recursive: true });
  return resultsDirectory;
}
