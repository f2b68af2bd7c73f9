/**
 * `--backend webgpu` / `--backend tensorflow` on machines that cannot run them (simulated through
 * `backendHooks`): one error, exit code 2, before anything is written; `normfree backends` lists the
 * adapters; the adapter flags reach the run's job.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DawnModule, GpuLike, NodeBackendHooks } from '@normfree/backend';
import { silentProgress } from '@normfree/experiment';
import { createFakeExecutor } from '@normfree/experiment/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { createCapturedIo } from './testing/index.js';

const swiftShader = {
  name: 'SwiftShader Device (Subzero)',
  info: {
    vendor: 'google',
    architecture: 'swiftshader',
    device: 'swiftshader-device-subzero-',
    description: 'SwiftShader driver 5.0.0',
    isFallbackAdapter: true,
  },
};

/** dawn.node on a machine with these adapters (see node-webgpu.test.ts in @normfree/backend). */
function dawnWith(adapters: readonly { name: string; info: object }[]): DawnModule {
  return {
    globals: {},
    create(flags: string[]): GpuLike {
      const wanted = flags.find((flag) => flag.startsWith('adapter='))?.slice('adapter='.length);
      return {
        requestAdapter: () => {
          const match = wanted === undefined ? adapters[0] : adapters.find((adapter) => adapter.name === wanted);
          if (match !== undefined) return Promise.resolve({ info: match.info });
          if (wanted === undefined || adapters.length === 0) return Promise.resolve(null);
          return Promise.reject(
            new Error(
              `no suitable backends found\nAvailable adapters:\n${adapters.map((adapter) => ` * backend: 'vulkan', name: '${adapter.name}'`).join('\n')}`,
            ),
          );
        },
      };
    },
  };
}

const missingPackage = (name: string): Promise<never> =>
  Promise.reject(
    Object.assign(new Error(`Cannot find package '${name}' imported from /x`), { code: 'ERR_MODULE_NOT_FOUND' }),
  );

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function run(argv: string[], backendHooks: NodeBackendHooks) {
  const cwd = await mkdtemp(join(tmpdir(), 'normfree-backend-check-'));
  folders.push(cwd);
  const io = { ...createCapturedIo(), cwd };
  const executor = createFakeExecutor();
  const code = await runCli(argv, io, { createExecutor: () => executor, progress: silentProgress, backendHooks });
  return { code, ...io.output, executor, cwd };
}

describe('an explicit --backend that cannot start here', () => {
  const cases: { what: string; argv: string[]; hooks: NodeBackendHooks; message: RegExp }[] = [
    {
      what: 'webgpu without the webgpu package',
      argv: ['--backend', 'webgpu'],
      hooks: { loadDawn: () => missingPackage('webgpu') },
      message:
        /--backend webgpu cannot start on this machine: the optional 'webgpu' package \(dawn\.node, WebGPU for Node\) is not installed or does not load: .*npm install webgpu@0\.6\.2/,
    },
    {
      what: 'webgpu without an adapter',
      argv: ['--backend', 'webgpu'],
      hooks: { loadDawn: () => Promise.resolve(dawnWith([])) },
      message:
        /--backend webgpu cannot start on this machine: dawn\.node found no WebGPU adapter .*VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json LD_LIBRARY_PATH=\/usr\/lib\/chromium .*--allow-software-adapter/,
    },
    {
      what: 'webgpu with only a software adapter and no --allow-software-adapter',
      argv: ['--backend', 'webgpu'],
      hooks: { loadDawn: () => Promise.resolve(dawnWith([swiftShader])) },
      message:
        /--backend webgpu cannot start on this machine: the WebGPU adapter is a software rasteriser \(google \/ swiftshader .*--allow-software-adapter/,
    },
    {
      what: 'webgpu with an adapter that does not exist',
      argv: ['--backend', 'webgpu', '--gpu-adapter', '3'],
      hooks: { loadDawn: () => Promise.resolve(dawnWith([swiftShader])) },
      message: /gpuAdapter '3': no adapter with that index \(Dawn sees: 0: SwiftShader Device \(Subzero\)/,
    },
    {
      what: 'tensorflow without tfjs-node-gpu or tfjs-node',
      argv: ['--backend', 'tensorflow'],
      hooks: { importModule: missingPackage },
      message:
        /--backend tensorflow cannot start on this machine: the tensorflow backend needs @tensorflow\/tfjs-node-gpu \(CUDA GPUs\) or @tensorflow\/tfjs-node \(CPU\): neither is installed/,
    },
    {
      what: 'tensorflow with tfjs-node-gpu but no CUDA',
      argv: ['--backend', 'tensorflow'],
      hooks: {
        importModule: (name) =>
          name === '@tensorflow/tfjs-node-gpu'
            ? Promise.reject(new Error('libcudart.so.11.0: cannot open shared object file'))
            : missingPackage(name),
      },
      message:
        /--backend tensorflow cannot start on this machine: @tensorflow\/tfjs-node-gpu is installed but does not load: libcudart\.so\.11\.0.*CUDA 11\.2 and cuDNN 8\.1/,
    },
  ];
  for (const { what, argv, hooks, message } of cases) {
    it(`should fail with one error and exit code 2, writing nothing: ${what}`, async () => {
      for (const command of [
        ['train', '--preset', 'smoke', '--out', 'run'],
        ['reproduce', '--preset', 'smoke', '--out', 'run'],
      ]) {
        const result = await run([...command, ...argv], hooks);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).toMatch(/Nothing was written/);
        expect(result.stderr.match(/error:/g)).toHaveLength(1);
        expect(result.stderr).not.toContain('using backend');
        expect(result.executor.calls).toHaveLength(0);
        expect(existsSync(join(result.cwd, 'run'))).toBe(false);
        expect(existsSync(join(result.cwd, 'runs'))).toBe(false);
      }
    });
  }

  it('should not check the backend when nothing trains here (reproduce --plan-only, for a cluster)', async () => {
    const result = await run(['reproduce', '--preset', 'smoke', '--backend', 'webgpu', '--plan-only', '--out', 'exp'], {
      loadDawn: () => missingPackage('webgpu'),
    });
    expect(result.code).toBe(0);
    expect(existsSync(join(result.cwd, 'exp', 'plan.json'))).toBe(true);
  });

  it('should refuse the WebGPU flags with another backend', async () => {
    const result = await run(['train', '--preset', 'smoke', '--backend', 'wasm', '--gpu-adapter', '0'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--gpu-adapter applies to --backend webgpu only (the backend is wasm)');
  });

  it('should pass --gpu-adapter and --allow-software-adapter on to the run', async () => {
    const result = await run(
      [
        'train',
        '--preset',
        'smoke',
        '--steps',
        '1',
        '--backend',
        'webgpu',
        '--gpu-adapter',
        'swiftshader',
        '--allow-software-adapter',
        '--out',
        'run',
      ],
      {
        loadDawn: () => Promise.resolve(dawnWith([swiftShader])),
      },
    );
    expect(result.stderr).not.toContain('error:');
    expect(result.code).toBe(0);
    expect(result.executor.calls[0]?.job.target).toMatchObject({
      backend: 'webgpu',
      gpuAdapter: 'swiftshader',
      allowSoftwareAdapter: true,
    });
  });
});

describe("normfree run <dir> and the plan's webgpu request", () => {
  it("should check the plan's webgpu adapter before training, and drop it when --backend moves the run to wasm", async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'normfree-backend-check-'));
    folders.push(cwd);
    const io = { ...createCapturedIo(), cwd };
    const noAdapter: NodeBackendHooks = { loadDawn: () => Promise.resolve(dawnWith([])) };
    const plan = await runCli(
      [
        'reproduce',
        '--preset',
        'smoke',
        '--configs',
        'sm-g',
        '--backend',
        'webgpu',
        '--gpu-adapter',
        'software',
        '--plan-only',
        '--out',
        'exp',
      ],
      io,
      { progress: silentProgress, backendHooks: noAdapter },
    );
    expect(plan).toBe(0);
    const executor = createFakeExecutor();
    const refused = await runCli(['run', 'exp', '--index', '0'], io, {
      createExecutor: () => executor,
      progress: silentProgress,
      backendHooks: noAdapter,
    });
    expect(refused).toBe(2);
    expect(io.output.stderr).toMatch(
      /--backend webgpu cannot start on this machine: gpuAdapter 'software': no software WebGPU adapter/,
    );
    expect(executor.calls).toHaveLength(0);
    const onWasm = await runCli(['run', 'exp', '--index', '0', '--backend', 'wasm'], io, {
      createExecutor: () => executor,
      progress: silentProgress,
      backendHooks: noAdapter,
    });
    expect(onWasm).toBe(0);
    expect(executor.calls[0]?.job.target.backend).toBe('wasm');
    expect(executor.calls[0]?.job.target).not.toHaveProperty('gpuAdapter');
  });
});

describe('normfree backends', () => {
  it('should list every adapter dawn.node sees, with type and isFallbackAdapter', async () => {
    const result = await run(['backends'], {
      loadDawn: () => Promise.resolve(dawnWith([swiftShader])),
      importModule: missingPackage,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('webgpu      1 adapter');
    expect(result.stdout).toContain(
      '  0: SwiftShader Device (Subzero) [vulkan] google / swiftshader / SwiftShader driver 5.0.0 (software), fallback adapter, the default; type software, isFallbackAdapter true',
    );
    expect(result.stdout).toMatch(/tensorflow {2}unavailable: the tensorflow backend needs/);
    const json = await run(['backends', '--json'], {
      loadDawn: () => Promise.resolve(dawnWith([swiftShader])),
      importModule: missingPackage,
    });
    expect(JSON.parse(json.stdout)).toMatchObject({
      wasm: true,
      webgpu: {
        adapters: [
          { index: 0, name: 'SwiftShader Device (Subzero)', vendor: 'google', type: 'software', fallback: true },
        ],
      },
    });
  });

  it('should say why webgpu is unavailable', async () => {
    const result = await run(['backends'], {
      loadDawn: () => Promise.resolve(dawnWith([])),
      importModule: missingPackage,
    });
    expect(result.stdout).toMatch(/webgpu {6}unavailable: dawn\.node sees no adapter; .*vk_swiftshader_icd\.json/);
  });
});
