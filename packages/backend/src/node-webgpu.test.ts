/**
 * The Node backends' failure messages and adapter choice, on simulated machines: dawn.node and the
 * optional tfjs-node packages are replaced through `NodeBackendHooks`, so every case runs without a GPU.
 */
import { describe, expect, it } from 'vitest';
import { gpuAdapterLine, listGpuAdapters, type DawnModule, type GpuLike } from './node-webgpu.js';
import { checkBackend, releaseBackend, selectBackend } from './select-backend.node.js';
import type { AdapterLike } from './webgpu-adapter.js';

interface FakeAdapter {
  readonly name: string;
  readonly adapter: AdapterLike;
}

const swiftShader: FakeAdapter = {
  name: 'SwiftShader Device (Subzero)',
  adapter: {
    info: {
      vendor: 'google',
      architecture: 'swiftshader',
      device: 'swiftshader-device-subzero-',
      description: 'SwiftShader driver 5.0.0',
      isFallbackAdapter: true,
    },
  },
};
const hopper: FakeAdapter = {
  name: 'NVIDIA H100 80GB HBM3',
  adapter: { info: { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100 80GB HBM3' } },
};

/** dawn.node as it behaves on a machine with these adapters (the first is its default), recording every `create`. */
function fakeDawn(adapters: readonly FakeAdapter[]): DawnModule & { created: string[][] } {
  const created: string[][] = [];
  return {
    created,
    globals: {},
    create(flags: string[]): GpuLike {
      created.push(flags);
      const wanted = flags.find((flag) => flag.startsWith('adapter='))?.slice('adapter='.length);
      return {
        requestAdapter: () => {
          if (wanted === undefined) return Promise.resolve(adapters[0]?.adapter ?? null);
          const match = adapters.find((candidate) => candidate.name.includes(wanted));
          if (match !== undefined) return Promise.resolve(match.adapter);
          // dawn.node 0.6.2: a name that matches nothing lists them; with no driver it resolves null.
          if (adapters.length === 0) return Promise.resolve(null);
          return Promise.reject(
            new Error(
              `no suitable backends found\nAvailable adapters:\n${adapters.map((entry) => ` * backend: 'vulkan', name: '${entry.name}'`).join('\n')}`,
            ),
          );
        },
      };
    },
  };
}

function strictWebGpu(
  dawn: DawnModule,
  options: { allowSoftwareAdapter?: boolean; gpuAdapter?: string } = {},
): Promise<unknown> {
  return selectBackend(
    { prefer: 'webgpu', strict: true, quiet: true, ...options },
    { loadDawn: () => Promise.resolve(dawn) },
  ).finally(releaseBackend);
}

describe('listGpuAdapters', () => {
  it("should list every adapter dawn.node sees, software ones included, marking Dawn's default", async () => {
    const adapters = await listGpuAdapters({ loadDawn: () => Promise.resolve(fakeDawn([hopper, swiftShader])) });
    expect(
      adapters.map(({ index, name, api, vendor, type, fallback, preferred }) => ({
        index,
        name,
        api,
        vendor,
        type,
        fallback,
        preferred,
      })),
    ).toEqual([
      {
        index: 0,
        name: 'NVIDIA H100 80GB HBM3',
        api: 'vulkan',
        vendor: 'nvidia',
        type: 'gpu',
        fallback: false,
        preferred: true,
      },
      {
        index: 1,
        name: 'SwiftShader Device (Subzero)',
        api: 'vulkan',
        vendor: 'google',
        type: 'software',
        fallback: true,
        preferred: false,
      },
    ]);
    expect(gpuAdapterLine(adapters[1]!)).toBe(
      '1: SwiftShader Device (Subzero) [vulkan] google / swiftshader / SwiftShader driver 5.0.0 (software), fallback adapter',
    );
  });

  it('should list nothing without a driver, and say when the webgpu package does not load', async () => {
    expect(await listGpuAdapters({ loadDawn: () => Promise.resolve(fakeDawn([])) })).toEqual([]);
    await expect(
      listGpuAdapters({ loadDawn: () => Promise.reject(new Error("Cannot find package 'webgpu'")) }),
    ).rejects.toThrow(
      /the optional 'webgpu' package \(dawn\.node, WebGPU for Node\) is not installed or does not load: Cannot find package 'webgpu'\. Install it .*npm install webgpu@0\.6\.2/,
    );
  });
});

describe('selectBackend webgpu failures (strict: one clear error, no fallback)', () => {
  it('should say the webgpu package is missing', async () => {
    const failing = selectBackend(
      { prefer: 'webgpu', strict: true, quiet: true },
      { loadDawn: () => Promise.reject(new Error("Cannot find package 'webgpu' imported from x")) },
    );
    await expect(failing).rejects.toThrow(
      /^backend 'webgpu' \(strict\) could not be initialised: webgpu: the optional 'webgpu' package .*not installed or does not load/,
    );
  });

  it('should say there is no adapter, how to get one, and name SwiftShader', async () => {
    await expect(strictWebGpu(fakeDawn([]))).rejects.toThrow(
      /dawn\.node found no WebGPU adapter \(no Vulkan loader libvulkan\.so\.1 .*VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json LD_LIBRARY_PATH=\/usr\/lib\/chromium/,
    );
  });

  it('should refuse an only-software adapter unless allowed, naming the flag', async () => {
    const dawn = fakeDawn([swiftShader]);
    await expect(strictWebGpu(dawn)).rejects.toThrow(
      /software rasteriser \(google \/ swiftshader \/ SwiftShader driver 5\.0\.0 \(software\)\).*allowSoftwareAdapter: true \(normfree: --allow-software-adapter\)/,
    );
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
  });

  it('should get past the software check when allowed or asked for by `software` (then fail only at the fake device)', async () => {
    for (const options of [{ allowSoftwareAdapter: true }, { gpuAdapter: 'software' }]) {
      const dawn = fakeDawn([hopper, swiftShader]);
      const error = await strictWebGpu(dawn, options).catch((caught: unknown) => caught);
      expect(String(error)).not.toMatch(/software rasteriser/);
      if (options.gpuAdapter === 'software')
        expect(dawn.created.at(-1)).toEqual(['adapter=SwiftShader Device (Subzero)']);
    }
  });

  it('should select an adapter by index or by part of its name, and list the adapters when none matches', async () => {
    for (const [request, flags] of [
      ['1', ['adapter=SwiftShader Device (Subzero)']],
      ['h100', ['adapter=NVIDIA H100 80GB HBM3']],
    ] as const) {
      const dawn = fakeDawn([hopper, swiftShader]);
      await strictWebGpu(dawn, { gpuAdapter: request, allowSoftwareAdapter: true }).catch(() => undefined);
      expect(dawn.created.at(-1)).toEqual(flags);
    }
    await expect(strictWebGpu(fakeDawn([hopper, swiftShader]), { gpuAdapter: '7' })).rejects.toThrow(
      /gpuAdapter '7': no adapter with that index \(Dawn sees: 0: NVIDIA H100 80GB HBM3 \[vulkan\].*; 1: SwiftShader/,
    );
    await expect(strictWebGpu(fakeDawn([hopper]), { gpuAdapter: 'radeon' })).rejects.toThrow(
      /gpuAdapter 'radeon': no adapter's name, vendor or description contains it \(Dawn sees: 0: NVIDIA H100/,
    );
    await expect(strictWebGpu(fakeDawn([hopper]), { gpuAdapter: 'software' })).rejects.toThrow(
      /gpuAdapter 'software': no software WebGPU adapter .*SwiftShader/,
    );
  });

  it('should refuse a software adapter chosen by index without allowSoftwareAdapter', async () => {
    await expect(strictWebGpu(fakeDawn([hopper, swiftShader]), { gpuAdapter: '1' })).rejects.toThrow(
      /software rasteriser/,
    );
  });
});

describe('selectBackend tensorflow failures', () => {
  const missing = (name: string): Error =>
    Object.assign(new Error(`Cannot find package '${name}' imported from /x`), { code: 'ERR_MODULE_NOT_FOUND' });

  it('should say that neither tfjs-node package is installed, and how to install one', async () => {
    const failing = selectBackend(
      { prefer: 'tensorflow', strict: true, quiet: true },
      { importModule: (name) => Promise.reject(missing(name)) },
    );
    await expect(failing).rejects.toThrow(
      /tensorflow: the tensorflow backend needs @tensorflow\/tfjs-node-gpu \(CUDA GPUs\) or @tensorflow\/tfjs-node \(CPU\): neither is installed\. Install one/,
    );
  });

  it('should say that CUDA is missing when tfjs-node-gpu is installed but does not load, without falling back to tfjs-node', async () => {
    const imported: string[] = [];
    const importModule = (name: string): Promise<unknown> => {
      imported.push(name);
      return Promise.reject(
        name === '@tensorflow/tfjs-node-gpu'
          ? new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory')
          : missing(name),
      );
    };
    const failing = selectBackend({ prefer: 'tensorflow', strict: true, quiet: true }, { importModule });
    await expect(failing).rejects.toThrow(
      /@tensorflow\/tfjs-node-gpu is installed but does not load: libcudart\.so\.11\.0: cannot open.*CUDA 11\.2 and cuDNN 8\.1/,
    );
    expect(imported).toEqual(['@tensorflow/tfjs-node-gpu']);
  });
});

describe('checkBackend', () => {
  it('should pass cpu and wasm, and check webgpu without starting TF.js (navigator.gpu removed after)', async () => {
    expect(await checkBackend('wasm')).toBe('wasm');
    const dawn = fakeDawn([swiftShader]);
    const hooks = { loadDawn: () => Promise.resolve(dawn) };
    await expect(checkBackend('webgpu', {}, hooks)).rejects.toThrow(/software rasteriser/);
    expect(await checkBackend('webgpu', { allowSoftwareAdapter: true }, hooks)).toBe(
      'webgpu on google / swiftshader / SwiftShader driver 5.0.0 (software)',
    );
    expect((globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu).toBeUndefined();
  });

  it('should give the same reasons as selectBackend', async () => {
    await expect(checkBackend('webgpu', {}, { loadDawn: () => Promise.resolve(fakeDawn([])) })).rejects.toThrow(
      /^dawn\.node found no WebGPU adapter/,
    );
    await expect(
      checkBackend(
        'tensorflow',
        {},
        {
          importModule: (name) =>
            Promise.reject(Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' })),
        },
      ),
    ).rejects.toThrow(/neither is installed/);
    await expect(checkBackend('webgl')).rejects.toThrow(/browser/);
  });
});
