import { describe, expect, it } from 'vitest';
import { planExperiment, runConfigurationId, type PlanOptions } from './plan.js';

// The embedded BPE's vocabulary; the node tests read it from the tokenizer (loadTokenizerVocabSize).
const vocabSize = 4096;

describe('planExperiment with norm or activation overridden', () => {
  it('should name the runs by the model they train, never by a paper configuration they are not', () => {
    const plan = planExperiment({
      preset: 'smoke',
      configurations: ['sm-ln-g', 'sm-g'],
      overrides: { activation: { kind: 'relu' } },
      vocabSize,
      target: { backend: 'cpu' },
      outDir: '/exp',
    });
    expect(plan.runs.map((run) => [run.configuration, run.label, run.runDir])).toEqual([
      ['sm+ln+relu', 'SM+LN+relu', '/exp/sm+ln+relu-seed1337'],
      ['sm+relu', 'SM+relu', '/exp/sm+relu-seed1337'],
    ]);
    // The manifest keeps what was asked for.
    expect(plan.manifest.configurations).toEqual(['sm-ln-g', 'sm-g']);
  });

  it('should refuse configurations that the overrides make the same model', () => {
    expect(() =>
      planExperiment({
        preset: 'smoke',
        configurations: ['sm-g', 'sm-r'],
        overrides: { activation: { kind: 'relu' } },
        vocabSize,
        target: { backend: 'cpu' },
        outDir: '/exp',
      }),
    ).toThrow('two configurations train the same model (SM+relu)');
  });

  it('should keep the paper ids without overrides, and make folder-safe ids from labels', () => {
    expect(
      planExperiment({
        preset: 'smoke',
        configurations: ['sm-g'],
        vocabSize,
        target: { backend: 'cpu' },
        outDir: '/exp',
      }).runs[0],
    ).toMatchObject({ configuration: 'sm-g', label: 'SM+G' });
    expect(runConfigurationId('sm-g', 'SM+gelu×2+relu×2', { norm: 'none' })).toBe('sm+gelux2+relux2');
    expect(runConfigurationId('sm-g', 'SM+learnable-leaky-relu(global, authors)', { activation: { kind: 'x' } })).toBe(
      'sm+learnable-leaky-relu-global-authors',
    );
  });

  it('refuses learnable slopes on webgpu, which cannot read them synchronously in Node, and allows them elsewhere', () => {
    const plan = (backend: 'webgpu' | 'wasm') =>
      planExperiment({
        preset: 'smoke',
        configurations: ['sm-llr-layer'],
        vocabSize,
        target: { backend },
        outDir: '/exp',
      });
    expect(() => plan('webgpu')).toThrow(
      /configuration 'sm-llr-layer': learnable-slope activations cannot train on --backend webgpu in Node yet/,
    );
    expect(plan('wasm').runs).toHaveLength(1);
    expect(
      planExperiment({
        preset: 'smoke',
        configurations: ['sm-g'],
        vocabSize,
        target: { backend: 'webgpu' },
        outDir: '/exp',
      }).runs,
    ).toHaveLength(1);
  });
});

describe('planExperiment: what is trained apart from where', () => {
  const on = (target: PlanOptions['target'], configurations = ['sm-g']) =>
    planExperiment({ preset: 'smoke', configurations, vocabSize, target, outDir: '/exp', now: new Date(0) });

  it('should hold one execution target for the plan and keep it out of every run spec', () => {
    const plan = on({ backend: 'wasm', nativeThreads: 2 }, ['sm-g', 'sm-r']);
    expect(plan.target).toEqual({ backend: 'wasm', nativeKernels: true, nativeThreads: 2 });
    const targetFields = ['target', 'backend', 'nativeKernels', 'nativeThreads', 'gpuAdapter', 'allowSoftwareAdapter'];
    for (const run of plan.runs) {
      for (const field of targetFields) expect(run).not.toHaveProperty(field);
    }
  });

  it('should plan the same run specs for two targets', () => {
    expect(on({ backend: 'wasm', nativeThreads: 1 }).runs).toEqual(on({ backend: 'cpu' }).runs);
  });

  it('should refuse a bad target before planning, naming the value', () => {
    expect(() => on({ backend: 'wasm', nativeThreads: -1 })).toThrow(
      'nativeThreads must be a positive integer, got -1',
    );
  });
});
