import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { backendPackages, importPackage, installCommand, isNotInstalled } from './optional-package.js';
import { checkBackend, releaseBackend, selectBackend } from './select-backend.node.js';

/** What Node throws for an import of a package that is not installed. */
function notInstalled(name: string): Error {
  return Object.assign(
    new Error(
      `Cannot find package '${name}' imported from /app/node_modules/@normfree/backend/dist/select-backend.node.js`,
    ),
    { code: 'ERR_MODULE_NOT_FOUND' },
  );
}

/** An `importPeer` hook under which `missing` are not installed and everything else imports for real. */
function without(...missing: string[]): (name: string) => Promise<unknown> {
  return (name) => (missing.includes(name) ? Promise.reject(notInstalled(name)) : import(/* @vite-ignore */ name));
}

afterAll(() => {
  releaseBackend();
});

describe('optional peer packages', () => {
  it('should tell a missing package from one that fails while loading', () => {
    expect(isNotInstalled(notInstalled('@tensorflow/tfjs-backend-wasm'), '@tensorflow/tfjs-backend-wasm')).toBe(true);
    // A missing package *inside* the one imported is that package's failure, not "not installed".
    expect(isNotInstalled(notInstalled('long'), '@tensorflow/tfjs-backend-wasm')).toBe(false);
    expect(
      isNotInstalled(
        new Error('@tensorflow/tfjs-backend-wasm: WebAssembly.instantiate failed'),
        '@tensorflow/tfjs-backend-wasm',
      ),
    ).toBe(false);
  });

  it('should name the package and the install command at the installed tfjs-core version', async () => {
    expect(tf.version_core).toBe('4.22.0');
    expect(installCommand('@tensorflow/tfjs-backend-webgl')).toBe('npm install @tensorflow/tfjs-backend-webgl@4.22.0');
    await expect(
      importPackage("backend 'webgl'", '@tensorflow/tfjs-backend-webgl', () =>
        Promise.reject(notInstalled('@tensorflow/tfjs-backend-webgl')),
      ),
    ).rejects.toThrow(
      "backend 'webgl' needs @tensorflow/tfjs-backend-webgl, which is not installed: npm install @tensorflow/tfjs-backend-webgl@4.22.0 (your @tensorflow/tfjs-core's version; an optional peer dependency of @normfree/backend",
    );
  });

  it('should rethrow a failure that is not a missing package unchanged', async () => {
    const failure = new Error('@tensorflow/tfjs-backend-wasm: out of memory');
    await expect(
      importPackage("backend 'wasm'", '@tensorflow/tfjs-backend-wasm', () => Promise.reject(failure)),
    ).rejects.toBe(failure);
  });

  it('should import a real backend package (the import() of each is resolvable in this workspace)', async () => {
    await expect(
      importPackage("backend 'cpu'", backendPackages.cpu, () => import('@tensorflow/tfjs-backend-cpu')),
    ).resolves.toHaveProperty('MathBackendCPU');
  });
});

describe('selectBackend in Node without an optional package', () => {
  it('should skip wasm with the package to install and fall back to cpu', async () => {
    const selected = await selectBackend({ quiet: true }, { importPeer: without('@tensorflow/tfjs-backend-wasm') });
    expect(selected.name).toBe('cpu');
    expect(selected.skipped).toEqual([
      {
        name: 'wasm',
        reason: expect.stringMatching(
          /^backend 'wasm' needs @tensorflow\/tfjs-backend-wasm, which is not installed: npm install @tensorflow\/tfjs-backend-wasm@4\.22\.0 /,
        ),
      },
    ]);
  });

  it('should fail strict selection of a missing backend with that reason', async () => {
    await expect(
      selectBackend(
        { prefer: 'cpu', strict: true, quiet: true },
        { importPeer: without('@tensorflow/tfjs-backend-cpu') },
      ),
    ).rejects.toThrow(
      "backend 'cpu' (strict) could not be initialised: cpu: backend 'cpu' needs @tensorflow/tfjs-backend-cpu, which is not installed: npm install @tensorflow/tfjs-backend-cpu@4.22.0",
    );
  });

  it('should refuse to start without the @tensorflow/tfjs union, which registers the gradients in Node', async () => {
    await expect(
      selectBackend({ prefer: 'cpu', quiet: true }, { importPeer: without('@tensorflow/tfjs') }),
    ).rejects.toThrow(
      "registering TF.js's gradients in Node (tfjs-core's Node build has none) needs @tensorflow/tfjs, which is not installed: npm install @tensorflow/tfjs@4.22.0",
    );
  });

  it('should have checkBackend fail for a backend whose package is missing, and pass when it is installed', async () => {
    await expect(checkBackend('wasm', {}, { importPeer: without('@tensorflow/tfjs-backend-wasm') })).rejects.toThrow(
      /^backend 'wasm' needs @tensorflow\/tfjs-backend-wasm, which is not installed/,
    );
    await expect(checkBackend('wasm')).resolves.toBe('wasm');
    await expect(checkBackend('cpu')).resolves.toBe('cpu');
  });
});
