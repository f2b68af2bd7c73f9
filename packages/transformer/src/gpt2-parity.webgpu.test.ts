/**
 * The golden-fixture parity of gpt2-parity.test.ts on the webgpu backend in Node: dawn.node on the
 * SwiftShader Vulkan driver of Debian's `chromium` package (a software adapter; toolchain.md §11.6).
 * The Vulkan loader and driver are chosen by environment variables read when the process starts, so
 * the checks run in a child process (__fixtures__/webgpu-parity-child.mjs, on the built packages)
 * with that environment; this process and the other test files keep their backend. One process runs
 * every fixture, so WGSL shaders are compiled once (≈12 s for all twelve on a 2-core machine).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { referenceConfigurationNames } from './testing/index.js';

const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
const child = fileURLToPath(new URL('./__fixtures__/webgpu-parity-child.mjs', import.meta.url));
const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const run = promisify(execFile);

/** One fixture as the child prints it: compareWithReference's result, a non-finite error as 'Infinity'. */
interface FixtureRecord {
  readonly name: string;
  readonly stage: string;
  readonly comparisons: ReadonlyArray<{
    readonly what: string;
    readonly error: number | 'Infinity';
    readonly allowed: number;
  }>;
  readonly gradientNames: { readonly fixture: readonly string[]; readonly model: readonly string[] };
}

const skipReason = !existsSync(swiftShaderIcd)
  ? `${swiftShaderIcd} is absent (install Debian's chromium package: tools/ensure-chromium.sh)`
  : !existsSync(built)
    ? `${built} is absent (build @normfree/transformer first: the child process runs the built packages)`
    : undefined;
if (skipReason !== undefined) console.warn(`[normfree] skipping the webgpu parity tests: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(
  "GPT-2 parity with the authors' PyTorch model on webgpu in Node (SwiftShader)",
  () => {
    it('matches every fixture (init and trained): logits, loss, attention and all gradients within 1e-5 relative', async () => {
      const { stdout } = await run(process.execPath, [child], {
        env: {
          ...process.env,
          VK_ICD_FILENAMES: swiftShaderIcd,
          LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':'),
        },
        timeout: 150_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const records = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records[0]).toMatchObject({ backend: 'webgpu', info: expect.stringMatching(/swiftshader/i) });
      expect(records.at(-1)).toMatchObject({ done: true });
      const fixtures = records.filter(
        (record): record is Record<string, unknown> & FixtureRecord => 'comparisons' in record,
      );
      expect(fixtures.map(({ name, stage }) => `${name} ${stage}`)).toEqual(
        referenceConfigurationNames.flatMap((name) => [`${name} init`, `${name} trained`]),
      );
      for (const fixture of fixtures) {
        expect(fixture.gradientNames.fixture, `${fixture.name} ${fixture.stage}`).toEqual(fixture.gradientNames.model);
        for (const { what, error, allowed } of fixture.comparisons) {
          const label = `${fixture.name} ${fixture.stage} ${what}`;
          expect(
            error === 'Infinity' ? Number.POSITIVE_INFINITY : error,
            `${label}: worst |Δ| ${error} > allowed ${allowed}`,
          ).toBeLessThanOrEqual(allowed);
        }
      }
    }, 180_000);
  },
);
