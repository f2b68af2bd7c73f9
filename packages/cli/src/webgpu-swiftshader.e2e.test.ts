/**
 * Training on webgpu in Node, as a user runs it: `normfree reproduce --backend webgpu
 * --allow-software-adapter` on the SwiftShader Vulkan driver of Debian's `chromium` package
 * (toolchain.md §11.6), against the same runs on cpu. The Vulkan loader and driver are chosen by
 * environment variables read at process start, so only the child process gets them. Both runs of a
 * backend share one process (one shader compilation).
 *
 * Idle, the file takes ≈45 s on a 2-vCPU AMD EPYC (≈130 s at load average 5); the timeouts leave room.
 *
 * Tolerance: every step's loss and gradient norm within 2e-5 relative of cpu's (float32 sums in
 * another order; measured on a 2-core AMD EPYC: losses ≤ 1.2e-7 and gradient norms ≤ 1.6e-7 relative).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);
const RELATIVE = 2e-5;
const configurations = ['sm-ln-g', 'sm-g'];

const skipReason = !existsSync(swiftShaderIcd)
  ? `${swiftShaderIcd} is absent (install Debian's chromium package: tools/ensure-chromium.sh)`
  : !existsSync(bin)
    ? `${bin} is absent (build the packages first)`
    : undefined;
if (skipReason !== undefined) console.warn(`[normfree] skipping the webgpu training test: ${skipReason}`);

interface StepRecord {
  readonly type: 'step';
  readonly step: number;
  readonly loss: number;
  readonly gradNorm: number;
}

async function steps(dir: string, configuration: string): Promise<StepRecord[]> {
  const lines = (await readFile(join(dir, `${configuration}-seed1337`, 'logs.jsonl'), 'utf8')).trim().split('\n');
  return lines
    .map((line) => JSON.parse(line) as { type: string })
    .filter((record): record is StepRecord => record.type === 'step');
}

describe.skipIf(skipReason !== undefined)('training smoke on webgpu in Node (SwiftShader) against cpu', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('should give the losses and gradient norms of cpu for 3 steps of sm-ln-g and sm-g', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'normfree-webgpu-'));
    folders.push(cwd);
    const common = [
      'reproduce',
      '--preset',
      'smoke',
      '--configs',
      configurations.join(','),
      '--steps',
      '3',
      '--workers',
      '1',
      '--no-report',
      '--plain-progress',
    ];
    const vulkan = {
      VK_ICD_FILENAMES: swiftShaderIcd,
      LD_LIBRARY_PATH: ['/usr/lib/chromium', process.env['LD_LIBRARY_PATH']].filter(Boolean).join(':'),
    };
    const webgpu = await run(
      process.execPath,
      [bin, ...common, '--backend', 'webgpu', '--allow-software-adapter', '--out', 'webgpu'],
      { cwd, env: { ...process.env, ...vulkan }, timeout: 200_000 },
    );
    expect(webgpu.stderr).not.toMatch(/validation|Error while parsing WGSL|unavailable/);
    await run(process.execPath, [bin, ...common, '--backend', 'cpu', '--out', 'cpu'], { cwd, timeout: 120_000 });
    for (const configuration of configurations) {
      const [onWebGpu, onCpu] = [
        await steps(join(cwd, 'webgpu'), configuration),
        await steps(join(cwd, 'cpu'), configuration),
      ];
      expect(onWebGpu.map((record) => record.step)).toEqual([1, 2, 3]);
      for (const [index, expected] of onCpu.entries()) {
        const actual = onWebGpu[index]!;
        for (const key of ['loss', 'gradNorm'] as const) {
          const label = `${configuration} step ${expected.step} ${key}: webgpu ${actual[key]}, cpu ${expected[key]}`;
          expect(Math.abs(actual[key] - expected[key]), label).toBeLessThanOrEqual(RELATIVE * Math.abs(expected[key]));
        }
      }
    }
    const summary = JSON.parse(await readFile(join(cwd, 'webgpu', 'sm-g-seed1337', 'summary.json'), 'utf8')) as {
      backend?: string;
      status: string;
    };
    expect(summary).toMatchObject({ status: 'completed', backend: 'webgpu' });
  }, 300_000);
});
