// What a browser app's bundler sees: the root browser entry names all four backend packages (a
// bundle of it needs them installed), the lean entry names none (a bundle holds only the backends
// whose loaders the app passes). "Not installed" is simulated by an esbuild plugin that refuses to
// resolve those packages, as esbuild does for a package missing from node_modules.
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('.', import.meta.url));

function notInstalled(...names: string[]): Plugin {
  const filter = new RegExp(`^(${names.map((name) => name.replace(/[/.-]/g, '\\$&')).join('|')})$`);
  return {
    name: 'not-installed',
    setup(context) {
      context.onResolve({ filter }, (args) => ({
        errors: [{ text: `Could not resolve "${args.path}" (not installed)` }],
      }));
    },
  };
}

function bundle(app: string, plugins: Plugin[]) {
  return build({
    stdin: { contents: app, resolveDir: source, sourcefile: 'app.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    outdir: '/virtual-out',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
}

// Not cpu: @tensorflow/tfjs-backend-webgl depends on it (its own dependency, installed with it).
const otherBackends = ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu'];

describe('bundling @normfree/backend for the browser', () => {
  it('should bundle the lean entry with only the webgl backend installed, holding no other backend', async () => {
    const app = [
      "import { selectBackend } from './lean.js';",
      "export const start = () => selectBackend({ prefer: 'webgl', loaders: { webgl: () => import('@tensorflow/tfjs-backend-webgl') } });",
    ].join('\n');
    const result = await bundle(app, [notInstalled(...otherBackends)]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('tfjs-backend-webgl'))).toBe(true);
    for (const name of otherBackends)
      expect(inputs.filter((path) => path.includes(`${name.split('/')[1]}/`))).toEqual([]);
  }, 120_000);

  it('should need every browser backend installed to bundle the root browser entry', async () => {
    const app =
      "import { selectBackend } from './select-backend.browser.js';\nexport const start = () => selectBackend({ prefer: 'webgl' });";
    await expect(bundle(app, [notInstalled('@tensorflow/tfjs-backend-wasm')])).rejects.toThrow(
      /Could not resolve "@tensorflow\/tfjs-backend-wasm"/,
    );
  }, 120_000);
});
