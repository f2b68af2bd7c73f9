import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { getPreset, resolveModelConfig } from '@normfree/core';
import type { BenchResult, BenchRun } from './api.js';
import { runBenchTask, type BenchTask } from './bench-worker.js';
import { trainingFlopsPerStep } from './flops.js';
import { compareWithBaseline, formatBenchTable } from './format-bench.js';
import { parseBenchResult } from './parse-bench-result.js';
import { runBench } from './run-bench.js';

const machine = { cpu: 'test CPU', cores: 2, node: 'v20', platform: 'linux-x64', simdFlags: ['avx2'] };

function trainingRun(overrides: Partial<BenchRun>): BenchRun {
  return {
    backend: 'wasm', job: 'bench', status: 'ok', model: '@normfree/transformer', tokensPerStep: 2048, flopsPerStep: 12e9,
    msPerStep: { median: 2000, min: 1900, max: 2300 }, cpuMsPerStep: 1500, tokensPerSecond: 1024, achievedGflops: 6, peakRssMiB: 900,
    loss: { first: 8.3, last: 8.1 }, ...overrides,
  };
}

describe('trainingFlopsPerStep', () => {
  it('gives ≈12.1 GFLOP for the bench model at batch 16, as toolchain.md §11 counts (3 × forward matmul FLOPs)', () => {
    const preset = getPreset('bench');
    const flops = trainingFlopsPerStep(resolveModelConfig({ ...preset.model, vocabSize: 4096 }), preset.training.microBatchSize);
    expect(flops).toBe(12_079_595_520);
  });
});

describe('formatBenchTable', () => {
  it('lists training runs, matmul ceilings and the reasons of skipped runs', () => {
    const result: BenchResult = {
      version: 1, date: '2026-01-01T00:00:00.000Z', machine, runs: [
        { backend: 'wasm', job: 'matmul', status: 'ok', matmul: [{ size: 512, msMedian: 10, gflops: 26.8 }, { size: 1024, msMedian: 100, gflops: 21.5 }] },
        trainingRun({}),
        trainingRun({ backend: 'wasm+native', native: { enabled: true, reason: '', simd: 'avx512', kernels: ['BatchMatMul'] }, tokensPerSecond: 5321.7, processes: 2 }),
        { backend: 'cpu', job: 'laptop', status: 'skipped', reason: 'too slow' },
      ],
    };
    const text = formatBenchTable(result);
    expect(text).toContain('test CPU, 2 cores');
    expect(text).toMatch(/wasm\s+bench\s+1,024\s+2,000 \[1,900–2,300\]\s+1,500\s+6\.0\s+900\s+8\.300→8\.100/);
    expect(text).toMatch(/wasm\+native \(avx512\)\s+bench ×2 proc\s+5,322/);
    expect(text).toMatch(/wasm\s+26\.8\s+21\.5/);
    expect(text).toContain('cpu laptop: skipped: too slow');
  });
});

describe('compareWithBaseline', () => {
  it('gives current / baseline ratios for runs present in both, and nothing for the rest', () => {
    const baseline: BenchResult = { version: 1, date: 'before', machine, runs: [trainingRun({}), trainingRun({ job: 'laptop' })] };
    const current: BenchResult = {
      version: 1, date: 'after', machine,
      runs: [trainingRun({ tokensPerSecond: 4096, msPerStep: { median: 500, min: 480, max: 520 }, cpuMsPerStep: 375, achievedGflops: 24, peakRssMiB: 450 }), trainingRun({ backend: 'cpu' })],
    };
    const { ratios, text } = compareWithBaseline(current, baseline);
    const byMetric = Object.fromEntries(ratios.map((entry) => [entry.metric, entry.ratio]));
    expect(byMetric).toEqual({ 'tokens/s': 4, 'ms/step': 0.25, 'CPU ms/step': 0.25, 'GFLOP/s': 4, 'peak RSS MiB': 0.5 });
    expect(ratios.every((entry) => entry.backend === 'wasm' && entry.job === 'bench')).toBe(true);
    expect(text).toMatch(/tokens\/s\s+1,024\.0\s+4,096\.0\s+4\.00×/);
  });

  it('says so when nothing is comparable', () => {
    const baseline: BenchResult = { version: 1, date: 'before', machine, runs: [trainingRun({ backend: 'cpu' })] };
    expect(compareWithBaseline({ version: 1, date: 'after', machine, runs: [trainingRun({})] }, baseline).text).toContain('no comparable runs');
  });
});

describe('parseBenchResult', () => {
  it('accepts a result that went through JSON and rejects malformed baselines with the reason', () => {
    const result: BenchResult = { version: 1, date: 'd', machine, runs: [trainingRun({})] };
    expect(parseBenchResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
    expect(() => parseBenchResult({ version: 2, runs: [] })).toThrow(/version must be 1, got 2/);
    expect(() => parseBenchResult({ version: 1, runs: [{ backend: 'wasm' }] })).toThrow(/runs\[0\] needs/);
  });
});

describe('runBench', () => {
  it('runs the matmul job first, skips cpu training unless asked, and sums side-by-side processes', async () => {
    const tasks: BenchTask[] = [];
    const fakeRun = (task: BenchTask): Promise<BenchRun> => {
      tasks.push(task);
      if (task.backend === 'wasm+native') return Promise.resolve({ backend: task.backend, job: task.job, status: 'skipped', reason: 'addon not built' });
      if (task.job === 'matmul') return Promise.resolve({ backend: task.backend, job: 'matmul', status: 'ok', matmul: [] });
      return Promise.resolve(trainingRun({ backend: task.backend, job: task.job, tokensPerSecond: 1000 }));
    };
    const result = await runBench({ presets: ['bench'], steps: 3, warmupSteps: 0, processes: 2 }, fakeRun);
    expect(tasks.map((task) => `${task.backend}/${task.job}`)).toEqual(['wasm/matmul', 'wasm/bench', 'wasm/bench', 'wasm+native/matmul', 'cpu/matmul']);
    const summary = result.runs.map((run) => `${run.backend}/${run.job}/${run.status}`);
    expect(summary).toEqual(['wasm/matmul/ok', 'wasm/bench/ok', 'wasm+native/matmul/skipped', 'cpu/matmul/ok', 'cpu/bench/skipped']);
    const wasmBench = result.runs[1];
    expect(wasmBench?.tokensPerSecond).toBe(2000);
    expect(wasmBench?.perProcessTokensPerSecond).toEqual([1000, 1000]);
    expect(tasks[1]).toMatchObject({ steps: 3, warmupSteps: 0 });
  });
});

describe('runBenchTask', () => {
  it('measures a small matmul on the cpu backend in this process and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const run = await runBenchTask({ backend: 'cpu', job: 'matmul', steps: 1, warmupSteps: 0, matmulSizes: [16, 32] });
    expect(run.status, run.reason).toBe('ok');
    expect(run.matmul?.map((entry) => entry.size)).toEqual([16, 32]);
    expect(run.matmul?.every((entry) => entry.gflops > 0 && Number.isFinite(entry.gflops))).toBe(true);
    expect(run.peakRssMiB).toBeGreaterThan(10);
    expect(tf.memory().numTensors).toBe(before);
  });
});
