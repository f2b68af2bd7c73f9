// Tests of the GPU benchmark's pure parts: its command line, the parity judgement, the printed lines,
// and where parent and child find each other. The measurements themselves need a GPU or SwiftShader
// (the README says how to run them).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatBackend, gpuChildScriptPath } from './gpu-benchmark.js';
import { childArguments, median, parseGpuBenchmarkFlags } from './gpu-benchmark-flags.js';
import { formatParity, judgeParity, parityChildPath } from './gpu-parity.js';

describe('parseGpuBenchmarkFlags', () => {
  it('reads the flags of gpu-benchmark.mjs and hands the children all but --json', () => {
    const flags = parseGpuBenchmarkFlags([
      '--gpu-adapter',
      '1',
      '--allow-software-adapter',
      '--quick',
      '--json',
      'gpu.json',
    ]);
    expect(flags).toEqual({ quick: true, allowSoftwareAdapter: true, gpuAdapter: '1', json: 'gpu.json' });
    expect(childArguments(flags)).toEqual(['--quick', '--gpu-adapter', '1', '--allow-software-adapter']);
    expect(parseGpuBenchmarkFlags([])).toEqual({ quick: false, allowSoftwareAdapter: false });
    expect(childArguments(parseGpuBenchmarkFlags([]))).toEqual([]);
  });

  it('should refuse an unknown flag, a missing value and a repeated flag, naming them', () => {
    expect(() => parseGpuBenchmarkFlags(['--quik'])).toThrow(/unknown argument '--quik'; usage: npm run gpu-benchmark/);
    expect(() => parseGpuBenchmarkFlags(['--json'])).toThrow(/--json needs a value, got nothing/);
    expect(() => parseGpuBenchmarkFlags(['--gpu-adapter', '--quick'])).toThrow(
      /--gpu-adapter needs a value, got '--quick'/,
    );
    expect(() => parseGpuBenchmarkFlags(['--quick', '--quick'])).toThrow(/--quick is given twice/);
  });

  it('takes the median of an odd and an even list, NaN of none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('judgeParity', () => {
  const fixture = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: 'sm-ln-g',
    stage: 'init',
    gradientNames: { fixture: ['a', 'b'], model: ['a', 'b'] },
    comparisons: [{ what: 'logits', error: 1e-7, allowed: 1e-6 }],
    ...overrides,
  });
  const header = {
    backend: 'webgpu',
    info: 'SwiftShader Device (Subzero)',
    tolerance: { relative: 1e-5, absolute: 1e-6 },
  };

  it('passes when every |Δ| is within its allowance and the gradient names agree', () => {
    const parity = judgeParity([header, fixture(), fixture({ stage: 'trained' }), { done: true }]);
    expect(parity).toEqual({
      adapter: 'SwiftShader Device (Subzero)',
      fixtures: 2,
      passed: true,
      failures: [],
      tolerance: header.tolerance,
    });
    expect(formatParity(parity)).toBe(
      'Fixture parity on SwiftShader Device (Subzero): PASSED (2 fixtures, relative 0.00001)',
    );
  });

  it('fails with the offending error, a NaN (Infinity) and a missing gradient named', () => {
    const parity = judgeParity([
      header,
      fixture({
        comparisons: [
          { what: 'loss', error: 2e-6, allowed: 1e-6 },
          { what: 'attention', error: 'Infinity', allowed: 1e-6 },
        ],
      }),
      fixture({ stage: 'trained', gradientNames: { fixture: ['a', 'b'], model: ['a'] } }),
    ]);
    expect(parity.passed).toBe(false);
    expect(parity.failures).toEqual([
      'sm-ln-g init loss: |Δ| 0.000002 > 1.00e-6',
      'sm-ln-g init attention: |Δ| Infinity > 1.00e-6',
      'sm-ln-g trained: gradients of the fixture (2) and the model (1) differ; none for b',
    ]);
    expect(formatParity(parity)).toMatch(
      /^Fixture parity on SwiftShader Device \(Subzero\): FAILED:\n {2}sm-ln-g init loss/,
    );
  });

  it('does not call a run without a single fixture a pass, and says when the child could not run', () => {
    expect(judgeParity([header, { done: true }]).passed).toBe(false);
    expect(formatParity({ passed: false, error: 'spawn ENOENT' })).toBe('Fixture parity: could not run (spawn ENOENT)');
  });
});

describe("the GPU benchmark's files", () => {
  it('finds the compiled child beside the built parent, and in dist/ from the sources', () => {
    expect(gpuChildScriptPath('file:///repo/packages/bench/dist/gpu-benchmark.js')).toBe(
      '/repo/packages/bench/dist/gpu-benchmark-child.js',
    );
    expect(gpuChildScriptPath('file:///repo/packages/bench/src/gpu-benchmark.ts')).toBe(
      '/repo/packages/bench/dist/gpu-benchmark-child.js',
    );
  });

  it("runs the transformer's webgpu parity child, a file of this repository", () => {
    expect(existsSync(parityChildPath), parityChildPath).toBe(true);
  });

  it("prints a backend's matmuls in TFLOP/s (GFLOP/s below 0.1), its training rows and its memory", () => {
    const lines = formatBackend({
      backend: 'webgpu',
      info: 'webgpu (SwiftShader)',
      peakGpuBytes: 3 * 2 ** 20,
      matmul: [
        { n: 256, tflops: 0.004 },
        { n: 4096, tflops: 12.5 },
      ],
      training: [
        { preset: 'smoke', batch: '4 × 16', steps: 6, status: 'completed', tokensPerSecond: 1234.4, seconds: 2.25 },
      ],
    });
    expect(lines).toEqual([
      'webgpu: webgpu (SwiftShader)',
      '  matmul 256³: 4.00 GFLOP/s',
      '  matmul 4096³: 12.50 TFLOP/s',
      '  train smoke (batch 4 × 16, 6 steps, completed): 1234 tokens/s (median after the first step), 2.3 s',
      '  GPU memory allocated by TF.js, peak sampled: 3 MiB',
    ]);
    expect(
      formatBackend({ backend: 'tensorflow', info: 'tfjs-node-gpu', peakGpuBytes: null, matmul: [], training: [] }).at(
        -1,
      ),
    ).toBe('  GPU memory allocated by TF.js, peak sampled: not reported by this backend');
  });
});
