// `normfree backends` reports whether @normfree/backend-native's kernels load here, and from where
// (the prebuilt binary shipped in the package, or a source build), or why not and how to get them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeBackendHooks } from '@normfree/backend';
import { checkNativeKernels } from '@normfree/experiment/node';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { createCapturedIo } from './testing/index.js';

// No WebGPU and no tfjs-node: only the native line matters here.
const noOptionalBackends: NodeBackendHooks = {
  loadDawn: () => Promise.reject(new Error('no dawn.node in this test')),
  importModule: (name: string) =>
    Promise.reject(Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' })),
};

const cwd = mkdtempSync(join(tmpdir(), 'normfree-backends-native-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function backends(json: boolean): Promise<string> {
  const io = createCapturedIo(cwd);
  const code = await runCli(['backends', ...(json ? ['--json'] : [])], io, { backendHooks: noOptionalBackends });
  expect(code).toBe(0);
  return io.output.stdout;
}

describe('normfree backends: the native kernels', () => {
  it('should say whether the addon loads, its SIMD level, threads and source, or the loader reason', async () => {
    const check = await checkNativeKernels(); // tested against the addon loader in @normfree/experiment
    const text = await backends(false);
    const json = JSON.parse(await backends(true)) as { native: Record<string, unknown> };
    expect(json.native).toEqual(check);
    if (!check.available) {
      expect(text).toContain(`\nnative      unavailable, plain wasm kernels: ${check.reason}\n`);
      return;
    }
    expect(check.reason).toMatch(/^(prebuilt|source build) addon \/.+\.node$/);
    const { simd, threads } = check;
    expect(text).toContain(
      `\nnative      available: ${simd} kernels, ${threads} thread${threads === 1 ? '' : 's'}, ${check.reason}\n`,
    );
  });
});
