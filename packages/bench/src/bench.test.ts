// Tests of the benchmark: the runner with fake workers, the tables, the baseline file, the real step in this process.
// One file over 400 lines on purpose: every group shares the fake-worker runner and the result fixtures built
// at its top, and the package's benchmark is one feature; split files would each rebuild them.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  countParameters,
  getPreset,
  resolveModelConfig,
  type BatchSource,
  type RunLogRecord,
  type StepLog,
} from '@normfree/core';
import { createFakeEvalSet } from '@normfree/core/testing';
import { createEntropyProbe } from '@normfree/entropy';
import { createModel } from '@normfree/transformer';
import { train } from '@normfree/trainer';
import type { BenchResult, BenchRun, BenchTask } from './api.js';
import { createBenchTraining } from './bench-training.js';
import { runBenchTask, timeTraining } from './bench-worker.js';
import { trainingFlopsPerStep } from './flops.js';
import { compareWithBaseline, formatBenchTable, formatTorchComparison } from './format-bench.js';
import { parseBenchResult } from './parse-bench-result.js';
import { runBench, workerScriptPath } from './run-bench.js';
import {
  defaultTorchScript,
  runTorchBaseline,
  torchBaselineArguments,
  type TorchBaselineOptions,
} from './torch-baseline.js';

afterEach(() => {
  tf.disposeVariables();
});

const machine = { cpu: 'test CPU', cores: 2, node: 'v20', platform: 'linux-x64', simdFlags: ['avx2'] };

function trainingRun(overrides: Partial<BenchRun>): BenchRun {
  return {
    backend: 'wasm',
    job: 'bench',
    configuration: 'sm-ln-g',
    status: 'ok',
    model: '@normfree/transformer',
    tokensPerStep: 2048,
    flopsPerStep: 12e9,
    msPerStep: { median: 2000, min: 1900, max: 2300 },
    forwardBackwardMsPerStep: 1600,
    cpuMsPerStep: 1500,
    tokensPerSecond: 1024,
    achievedGflops: 6,
    peakRssMiB: 900,
    loss: { first: 8.3, last: 8.1 },
    ...overrides,
  };
}

describe('trainingFlopsPerStep', () => {
  it('gives ≈12.1 GFLOP for the bench model at batch 16, as toolchain.md §11 counts (3 × forward matmul FLOPs)', () => {
    const preset = getPreset('bench');
    const flops = trainingFlopsPerStep(
      resolveModelConfig({ ...preset.model, vocabSize: 4096 }),
      preset.training.microBatchSize,
    );
    expect(flops).toBe(12_079_595_520);
  });
});

describe('formatBenchTable', () => {
  it('lists training runs, matmul ceilings and the reasons of skipped runs', () => {
    const result: BenchResult = {
      version: 1,
      date: '2026-01-01T00:00:00.000Z',
      machine,
      runs: [
        {
          backend: 'wasm',
          job: 'matmul',
          status: 'ok',
          matmul: [
            { size: 512, msMedian: 10, gflops: 26.8 },
            { size: 1024, msMedian: 100, gflops: 21.5 },
          ],
        },
        trainingRun({}),
        trainingRun({
          backend: 'wasm+native',
          native: { enabled: true, reason: '', simd: 'avx512', kernels: ['BatchMatMul'] },
          tokensPerSecond: 5321.7,
          processes: 2,
        }),
        trainingRun({ configuration: 'sm-g', tokensPerSecond: 1100 }),
        trainingRun({
          job: 'paper-gpt2',
          batchSize: 8,
          gradientAccumulation: 4,
          parameters: 124_375_296,
          stateDictValues: 124_439_808,
          tokensPerSecond: 25,
        }),
        { backend: 'cpu', job: 'laptop', configuration: 'sm-ln-g', status: 'skipped', reason: 'too slow' },
      ],
    };
    const text = formatBenchTable(result);
    expect(text).toContain('test CPU, 2 cores');
    expect(text).toMatch(
      /wasm\s+bench\s+sm-ln-g\s+–\s+– \/ –\s+1,024\s+2,000 \[1,900–2,300\]\s+1,600\s+1,500\s+6\.0\s+900\s+8\.300→8\.100/,
    );
    expect(text).toMatch(/wasm\+native \(avx512\)\s+bench ×2 proc\s+sm-ln-g\s+–\s+– \/ –\s+5,322/);
    expect(text).toMatch(/wasm\s+bench\s+sm-g\s+–\s+– \/ –\s+1,100/);
    expect(text).toMatch(/wasm\s+paper-gpt2\s+sm-ln-g\s+8×4\s+124\.375 M \/ 124\.440 M\s+25\s/);
    expect(text).toMatch(/wasm\s+26\.8\s+21\.5/);
    expect(text).toContain('cpu laptop sm-ln-g: skipped: too slow');
  });
});

describe('compareWithBaseline', () => {
  it('gives current / baseline ratios for runs present in both, and nothing for the rest', () => {
    const baseline: BenchResult = {
      version: 1,
      date: 'before',
      machine,
      runs: [trainingRun({}), trainingRun({ job: 'laptop' })],
    };
    const current: BenchResult = {
      version: 1,
      date: 'after',
      machine,
      runs: [
        trainingRun({
          tokensPerSecond: 4096,
          msPerStep: { median: 500, min: 480, max: 520 },
          forwardBackwardMsPerStep: 400,
          cpuMsPerStep: 375,
          achievedGflops: 24,
          peakRssMiB: 450,
        }),
        trainingRun({ backend: 'cpu' }),
        trainingRun({ configuration: 'sm-g' }),
      ],
    };
    const { ratios, text } = compareWithBaseline(current, baseline);
    const byMetric = Object.fromEntries(ratios.map((entry) => [entry.metric, entry.ratio]));
    expect(byMetric).toEqual({
      'tokens/s': 4,
      'ms/step': 0.25,
      'fwd+bwd ms/step': 0.25,
      'CPU ms/step': 0.25,
      'GFLOP/s': 4,
      'peak RSS MiB': 0.5,
    });
    expect(
      ratios.every((entry) => entry.backend === 'wasm' && entry.job === 'bench' && entry.configuration === 'sm-ln-g'),
    ).toBe(true);
    expect(text).toMatch(/tokens\/s\s+1,024\.0\s+4,096\.0\s+4\.00×/);
  });

  it('compares a baseline run without a configuration (written before it was recorded) as sm-ln-g', () => {
    const { configuration: _, ...older } = trainingRun({});
    const baseline: BenchResult = { version: 1, date: 'before', machine, runs: [older] };
    const { ratios } = compareWithBaseline(
      { version: 1, date: 'after', machine, runs: [trainingRun({ tokensPerSecond: 2048 })] },
      baseline,
    );
    expect(ratios.find((entry) => entry.metric === 'tokens/s')?.ratio).toBe(2);
  });

  it('says so when nothing is comparable', () => {
    const baseline: BenchResult = { version: 1, date: 'before', machine, runs: [trainingRun({ backend: 'cpu' })] };
    expect(
      compareWithBaseline({ version: 1, date: 'after', machine, runs: [trainingRun({})] }, baseline).text,
    ).toContain('no comparable runs');
  });
});

describe('parseBenchResult', () => {
  it('accepts a result that went through JSON and rejects malformed baselines with the reason', () => {
    const result: BenchResult = { version: 1, date: 'd', machine, runs: [trainingRun({})] };
    expect(parseBenchResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
    expect(() => parseBenchResult({ version: 2, runs: [] })).toThrow(
      'bench baseline: field "version" must be 1, got 2',
    );
    expect(() => parseBenchResult({ version: 1, date: 'd', machine, runs: [{ backend: 'wasm' }] })).toThrow(
      'bench baseline: missing field "runs[0].job" (a string)',
    );
  });

  it('names the source, the field and the value of a wrong type', () => {
    const run = { ...trainingRun({}), tokensPerSecond: 'fast' };
    expect(() => parseBenchResult({ version: 1, date: 'd', machine, runs: [run] }, 'old.json')).toThrow(TypeError);
    expect(() => parseBenchResult({ version: 1, date: 'd', machine, runs: [run] }, 'old.json')).toThrow(
      'old.json: field "runs[0].tokensPerSecond" must be a number, got "fast"',
    );
    expect(() => parseBenchResult([], 'old.json')).toThrow('old.json: field "(root)" must be an object, got []');
    // Fields and backends this version does not know are kept: an older or newer result still compares.
    const other = { version: 1, date: 'd', machine, runs: [{ ...trainingRun({}), backend: 'webnn', extra: 1 }] };
    expect(parseBenchResult(other)).toEqual(other);
  });
});

describe('runBench', () => {
  it('runs the matmul job first, skips cpu training unless asked, and sums side-by-side processes', async () => {
    const tasks: BenchTask[] = [];
    const fakeRun = (task: BenchTask): Promise<BenchRun> => {
      tasks.push(task);
      if (task.backend === 'wasm+native')
        return Promise.resolve({ backend: task.backend, job: task.job, status: 'skipped', reason: 'addon not built' });
      if (task.job === 'matmul')
        return Promise.resolve({ backend: task.backend, job: 'matmul', status: 'ok', matmul: [] });
      return Promise.resolve(trainingRun({ backend: task.backend, job: task.job, tokensPerSecond: 1000 }));
    };
    const result = await runBench({ presets: ['bench'], steps: 3, warmupSteps: 0, processes: 2 }, fakeRun);
    expect(tasks.map((task) => `${task.backend}/${task.job}`)).toEqual([
      'wasm/matmul',
      'wasm/bench',
      'wasm/bench',
      'wasm+native/matmul',
      'cpu/matmul',
    ]);
    const summary = result.runs.map((run) => `${run.backend}/${run.job}/${run.status}`);
    expect(summary).toEqual([
      'wasm/matmul/ok',
      'wasm/bench/ok',
      'wasm+native/matmul/skipped',
      'cpu/matmul/ok',
      'cpu/bench/skipped',
    ]);
    const wasmBench = result.runs[1];
    expect(wasmBench?.tokensPerSecond).toBe(2000);
    expect(wasmBench?.perProcessTokensPerSecond).toEqual([1000, 1000]);
    expect(tasks[1]).toMatchObject({ steps: 3, warmupSteps: 0, configuration: 'sm-ln-g' });
  });

  it('times every experiment configuration of every preset, and refuses an unknown one before measuring', async () => {
    const tasks: BenchTask[] = [];
    const fakeRun = (task: BenchTask): Promise<BenchRun> => {
      tasks.push(task);
      return Promise.resolve(
        task.job === 'matmul'
          ? { backend: task.backend, job: 'matmul', status: 'ok', matmul: [] }
          : trainingRun({ backend: task.backend, job: task.job, configuration: task.configuration ?? '?' }),
      );
    };
    await runBench({ presets: ['bench', 'laptop'], configurations: ['sm-ln-g', 'sm-g'], backends: ['wasm'] }, fakeRun);
    expect(tasks.map((task) => `${task.job}/${task.configuration ?? ''}`)).toEqual([
      'matmul/',
      'bench/sm-ln-g',
      'bench/sm-g',
      'laptop/sm-ln-g',
      'laptop/sm-g',
    ]);
    tasks.length = 0;
    await expect(runBench({ configurations: ['sm-gg'] }, fakeRun)).rejects.toThrow(/unknown configuration 'sm-gg'/);
    expect(tasks).toEqual([]);
  });
});

describe('workerScriptPath', () => {
  it('finds the worker next to the built runner, and in dist/ from the TypeScript sources', () => {
    expect(workerScriptPath('file:///repo/packages/bench/dist/run-bench.js')).toBe(
      '/repo/packages/bench/dist/bench-worker.js',
    );
    expect(workerScriptPath('file:///repo/packages/bench/src/run-bench.ts')).toBe(
      '/repo/packages/bench/dist/bench-worker.js',
    );
  });
});

describe('createBenchTraining', () => {
  it("trains the real model: createModel's parameters for the bench preset (935,680), and the run settings of normfree train", async () => {
    const training = await createBenchTraining({ preset: 'bench', configuration: 'sm-ln-g' });
    const preset = getPreset('bench');
    const config = resolveModelConfig({
      ...preset.model,
      vocabSize: 4096,
      norm: 'layernorm',
      activation: { kind: 'gelu' },
    });
    expect(training.config).toEqual(config);
    const reference = createModel(config, { seed: preset.training.seed });
    expect(
      training.model.parameters.map((parameter) => [parameter.name, parameter.variable.shape, parameter.decay]),
    ).toEqual(reference.parameters.map((parameter) => [parameter.name, parameter.variable.shape, parameter.decay]));
    const count = training.model.parameters.reduce((total, parameter) => total + parameter.variable.size, 0);
    expect(count).toBe(countParameters(config));
    expect(count).toBe(935_680);
    expect(training.options).toMatchObject({
      microBatchSize: 16,
      gradientAccumulation: 1,
      seed: 1337,
      maxGradNorm: 1,
      optimizer: 'adamw-hf',
    });
    expect(training.tokensPerStep).toBe(2048);
    reference.dispose();
    training.dispose();
  });

  it("takes the configuration's norm and activation (sm-g: no LayerNorm in the blocks)", async () => {
    const training = await createBenchTraining({ preset: 'bench', configuration: 'sm-g' });
    expect(training.config).toMatchObject({ norm: 'none', activation: { kind: 'gelu' } });
    expect(training.model.parameters.some((parameter) => parameter.name.includes('.ln_1.'))).toBe(false);
    training.dispose();
  });

  it('steps exactly as train() does: equal losses, learning rates and gradient norms, no tensors left', async () => {
    const before = tf.memory().numTensors;
    const training = await createBenchTraining({ preset: 'smoke', configuration: 'sm-ln-g' });
    const steps = [];
    for (let index = 0; index < 3; index++) steps.push(await training.step());
    const { batch, config, options } = training;
    training.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const model = createModel(config, { seed: options.seed });
    const trainSource: BatchSource = {
      specificationVersion: 'v1',
      batchSize: batch.batchSize,
      seqLen: batch.seqLen,
      numWindows: 1,
      batchAt: () => batch,
    };
    const evalSet = createFakeEvalSet([batch.inputIds.subarray(0, batch.seqLen)], batch.seqLen);
    const logs: StepLog[] = [];
    const generator: AsyncGenerator<RunLogRecord, unknown> = train(model, {
      trainSource,
      evalSet,
      probes: [createEntropyProbe({ batch, evalSet, options })],
      options,
    });
    for await (const record of generator) {
      if (record.type === 'step') logs.push(record);
      if (logs.length === 3) break;
    }
    model.dispose();
    expect(steps.map((step) => [step.loss, step.learningRate, step.gradNorm])).toEqual(
      logs.map((log) => [log.loss, log.learningRate, log.gradNorm]),
    );
    expect(steps[2]!.loss).toBeLessThan(steps[0]!.loss);
  });
});

describe('timeTraining', () => {
  it('reports the timed steps of the real model with its configuration and parameter count', async () => {
    const before = tf.memory().numTensors;
    const run = await timeTraining(
      { backend: 'cpu', job: 'bench', configuration: 'sm-r', steps: 2, warmupSteps: 1, matmulSizes: [] },
      'smoke',
    );
    expect(tf.memory().numTensors).toBe(before);
    const config = resolveModelConfig({
      ...getPreset('smoke').model,
      vocabSize: 4096,
      norm: 'none',
      activation: { kind: 'relu' },
    });
    expect(run).toMatchObject({
      model: '@normfree/transformer',
      configuration: 'sm-r',
      parameters: countParameters(config),
      batchSize: 4,
      tokensPerStep: 64,
      steps: 2,
      warmupSteps: 1,
    });
    expect(run.msPerStep!.median).toBeGreaterThan(0);
    expect(run.forwardBackwardMsPerStep!).toBeLessThanOrEqual(run.msPerStep!.max);
    expect(Number.isFinite(run.loss!.first) && Number.isFinite(run.loss!.last)).toBe(true);
  });
});

describe('timeTraining with a micro-batch and an accumulation', () => {
  it('trains B × K sequences per step and reports trained and state-dict counts (frozen zero biases only in the latter)', async () => {
    const before = tf.memory().numTensors;
    const run = await timeTraining(
      {
        backend: 'cpu',
        job: 'bench',
        configuration: 'sm-ln-g',
        steps: 1,
        warmupSteps: 0,
        matmulSizes: [],
        batchSize: 2,
        gradientAccumulation: 3,
      },
      'smoke',
    );
    expect(tf.memory().numTensors).toBe(before);
    const config = resolveModelConfig({
      ...getPreset('smoke').model,
      vocabSize: 4096,
      norm: 'layernorm',
      activation: { kind: 'gelu' },
    });
    const frozen = config.nLayer * (3 * config.nEmbd + config.nInner); // v, attention c_proj, mlp c_proj (d each) and c_fc (nInner) biases
    expect(run).toMatchObject({
      batchSize: 2,
      gradientAccumulation: 3,
      tokensPerStep: 2 * 3 * 16,
      parameters: countParameters(config),
      stateDictValues: countParameters(config) + frozen,
    });
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

describe('native kernel threads in the bench', () => {
  it('gives each wasm+native process the cores ÷ processes unless told, and names the threads in the table', async () => {
    const tasks: BenchTask[] = [];
    const fakeRun = (task: BenchTask): Promise<BenchRun> => {
      tasks.push(task);
      return Promise.resolve(
        task.job === 'matmul'
          ? { backend: task.backend, job: 'matmul', status: 'ok', matmul: [] }
          : trainingRun({ backend: task.backend, job: task.job }),
      );
    };
    await runBench({ presets: ['bench'], backends: ['wasm', 'wasm+native'], processes: 2 }, fakeRun);
    const cores = availableParallelism();
    expect(tasks.filter((task) => task.backend === 'wasm+native').map((task) => task.threads)).toEqual([
      Math.max(1, Math.floor(cores / 2)),
      Math.max(1, Math.floor(cores / 2)),
      Math.max(1, Math.floor(cores / 2)),
    ]);
    expect(tasks.filter((task) => task.backend === 'wasm').every((task) => task.threads === undefined)).toBe(true);
    tasks.length = 0;
    await runBench({ presets: ['bench'], backends: ['wasm+native'], threads: 3 }, fakeRun);
    expect(tasks.map((task) => task.threads)).toEqual([3, 3]);
    const text = formatBenchTable({
      version: 1,
      date: 'd',
      machine,
      runs: [
        trainingRun({
          backend: 'wasm+native',
          native: { enabled: true, reason: '', simd: 'avx2+fma', kernels: [], threads: 2 },
        }),
      ],
    });
    expect(text).toMatch(/wasm\+native \(avx2\+fma, 2 threads\)\s+bench/);
  });
});

describe('the PyTorch baseline beside the bench', () => {
  it("passes the preset's sizes and the native thread count to the script, and prints normfree ÷ PyTorch", async () => {
    const { args, batchSize } = await torchBaselineArguments({
      preset: 'laptop',
      threads: 2,
      steps: 10,
      warmupSteps: 2,
    });
    expect(args.join(' ')).toBe(
      '--layers 4 --heads 4 --dmodel 128 --ffn 512 --vocab 4096 --ctx 128 --batch 32 --steps 10 --warmup 2 --threads 2',
    );
    expect(batchSize).toBe(32);
    const torchCalls: TorchBaselineOptions[] = [];
    const result = await runBench(
      {
        presets: ['laptop'],
        backends: ['wasm+native'],
        threads: 2,
        torchPython: '/venv/bin/python',
        torchScript: '/shared/torch_gpt2_step.py',
      },
      (task) =>
        Promise.resolve(
          task.job === 'matmul'
            ? { backend: task.backend, job: 'matmul', status: 'ok', matmul: [] }
            : trainingRun({
                backend: task.backend,
                job: task.job,
                tokensPerSecond: 12_000,
                native: { enabled: true, reason: '', simd: 'avx2+fma', kernels: [], threads: 2 },
              }),
        ),
      (options) => {
        torchCalls.push(options);
        return Promise.resolve({
          preset: options.preset,
          threads: options.threads,
          status: 'ok',
          runtime: 'torch 2.13.0+cpu',
          batchSize: 32,
          msPerStep: { median: 409.6, min: 400, max: 420 },
          tokensPerSecond: 10_000,
        });
      },
    );
    expect(torchCalls).toMatchObject([
      { python: '/venv/bin/python', script: '/shared/torch_gpt2_step.py', preset: 'laptop', threads: 2 },
    ]);
    expect(formatTorchComparison(result)).toMatch(/laptop\s+2 \/ 2\s+32\s+410 \[400–420\]\s+10,000\s+12,000\s+1\.20×/);
    expect(formatBenchTable(result)).toContain('PyTorch (torch 2.13.0+cpu');
  });

  it('reports a result line of the wrong shape as a failed run, naming the script and the field', async () => {
    // Node stands in for Python: the "script" prints the result line the real one would, with a wrong type.
    const folder = mkdtempSync(join(tmpdir(), 'normfree-torch-'));
    const script = join(folder, 'fake-step.mjs');
    const line = { runtime: 'torch', threads: 2, parameters: 1, ms_per_step: 'slow', ms_min: 1, ms_max: 1 };
    writeFileSync(script, `console.log(${JSON.stringify(JSON.stringify({ ...line, tokens_per_second: 1 }))});\n`);
    try {
      const options = { preset: 'laptop', threads: 2, steps: 1, warmupSteps: 0, timeoutMs: 60_000 } as const;
      const run = await runTorchBaseline({ ...options, python: process.execPath, script });
      expect(run).toMatchObject({
        status: 'failed',
        reason: `${script}'s result line: field "ms_per_step" must be a number, got "slow"`,
      });
      writeFileSync(script, 'console.log("{not json");\n');
      const damaged = await runTorchBaseline({ ...options, python: process.execPath, script });
      expect(damaged).toMatchObject({ status: 'failed' });
      expect(damaged.reason).toContain(`${script} printed a line that is not JSON`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('times PyTorch with the script shipped in this package unless told otherwise, a file inside the repository', async () => {
    expect(existsSync(defaultTorchScript), defaultTorchScript).toBe(true);
    expect(defaultTorchScript).toBe(fileURLToPath(new URL('../python/torch_gpt2_step.py', import.meta.url)));
    expect(readFileSync(defaultTorchScript, 'utf8')).toContain('GPT2LMHeadModel');
    const scripts: string[] = [];
    await runBench(
      { presets: ['bench'], backends: ['wasm'], torchPython: '/venv/bin/python' },
      (task) =>
        Promise.resolve({ backend: task.backend, job: 'matmul', status: 'failed', reason: 'not measured here' }),
      (options) => {
        scripts.push(options.script);
        return Promise.resolve({
          preset: options.preset,
          threads: options.threads,
          status: 'failed',
          reason: 'fake',
          batchSize: 16,
        });
      },
    );
    expect(scripts).toEqual([defaultTorchScript]);
  });

  it('times wasm+native and PyTorch once per thread count of a list, and sets each beside its own count', async () => {
    const tasks: BenchTask[] = [];
    const torchThreads: number[] = [];
    const result = await runBench(
      {
        presets: ['laptop'],
        backends: ['wasm', 'wasm+native'],
        threads: [1, 2],
        torchPython: '/venv/bin/python',
        torchScript: '/shared/torch_gpt2_step.py',
      },
      (task) => {
        tasks.push(task);
        return Promise.resolve(
          task.job === 'matmul'
            ? { backend: task.backend, job: 'matmul', status: 'ok', matmul: [] }
            : trainingRun({
                backend: task.backend,
                job: task.job,
                tokensPerSecond: 1_000 * (task.threads ?? 1),
                ...(task.threads === undefined
                  ? {}
                  : { native: { enabled: true, reason: '', simd: 'avx2+fma', kernels: [], threads: task.threads } }),
              }),
        );
      },
      (options) => {
        torchThreads.push(options.threads);
        return Promise.resolve({
          preset: options.preset,
          threads: options.threads,
          status: 'ok',
          runtime: 'torch',
          batchSize: 32,
          msPerStep: { median: 1, min: 1, max: 1 },
          tokensPerSecond: 800 * options.threads,
        });
      },
    );
    expect(tasks.map((task) => `${task.backend}:${task.job}:${task.threads ?? '-'}`)).toEqual([
      'wasm:matmul:-',
      'wasm:laptop:-',
      'wasm+native:matmul:1',
      'wasm+native:laptop:1',
      'wasm+native:matmul:2',
      'wasm+native:laptop:2',
    ]);
    expect(torchThreads).toEqual([1, 2]);
    const text = formatTorchComparison(result);
    expect(text).toMatch(/laptop\s+1 \/ 1\s+32\s+1 \[1–1\]\s+800\s+1,000\s+1\.25×/);
    expect(text).toMatch(/laptop\s+2 \/ 2\s+32\s+1 \[1–1\]\s+1,600\s+2,000\s+1\.25×/);
    await expect(runBench({ threads: [] })).rejects.toThrow(/at least one thread count/);
  });
});
