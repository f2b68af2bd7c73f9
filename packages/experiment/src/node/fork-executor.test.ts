import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '@normfree/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { planExperiment, runJob, type PlanOptions, type RunJob } from '../plan.js';
import type { RunProgress } from '../progress.js';
import { activationModuleUrl, loadActivationModule } from './activation-modules.js';
import { loadTokenizerVocabSize } from './dataset.js';
import { createForkExecutor } from './fork-executor.js';
import { createInProcessExecutor } from './in-process-executor.js';

// The child runs the compiled worker (dist/node/worker.js), as the CLI's `--workers N` does; the
// build (tools/run.sh test) produces it. From sources alone only the error path can be tested.
const builtWorker = fileURLToPath(new URL('../../dist/node/worker.js', import.meta.url));
const plugin = activationModuleUrl(fileURLToPath(new URL('./__fixtures__/squared-relu-plugin.mjs', import.meta.url)));

let vocabSize = 0;
beforeAll(async () => {
  vocabSize = await loadTokenizerVocabSize('default-4096');
});

/** The plan's first run as its executor gets it: spec, folder and the plan's target. */
function firstJob(options: PlanOptions): RunJob {
  const plan = planExperiment(options);
  return runJob(plan.runs[0]!, plan.target);
}

describe('createForkExecutor', () => {
  it('should say how to get the built CLI when it is missing', async () => {
    const executor = createForkExecutor({ workerPath: '/nowhere/worker.js' });
    const job = firstJob({
      preset: 'smoke',
      configurations: ['sm-r'],
      target: { backend: 'cpu' },
      vocabSize,
      outDir: '/tmp/unused',
    });
    await expect(executor(job, { resume: false, onProgress: () => {} })).rejects.toThrow(
      'parallel runs need the built worker at /nowhere/worker.js',
    );
  });

  it.skipIf(!existsSync(builtWorker))(
    'should train a run in a child process and report its progress and summary',
    async () => {
      const outDir = await mkdtemp(join(tmpdir(), 'normfree-fork-'));
      try {
        const job = firstJob({
          preset: 'smoke',
          configurations: ['sm-r'],
          target: { backend: 'cpu' },
          vocabSize,
          outDir,
          overrides: { steps: 2 },
        });
        const updates: RunProgress[] = [];
        const summary = await createForkExecutor({ workerPath: builtWorker })(job, {
          resume: false,
          onProgress: (progress) => updates.push(progress),
        });
        expect(summary).toMatchObject({
          configuration: 'sm-r',
          status: 'completed',
          stepsCompleted: 2,
          backend: 'cpu',
        });
        expect(updates.at(-1)).toMatchObject({ step: 2, steps: 2 });
        const onDisk = JSON.parse(await readFile(join(job.runDir, 'summary.json'), 'utf8')) as RunSummary;
        expect(onDisk.finalEval?.loss).toBe(summary.finalEval?.loss);
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!existsSync(builtWorker))(
    "should import the job's plug-in activation module in the child before building the model",
    async () => {
      const outDir = await mkdtemp(join(tmpdir(), 'normfree-fork-plugin-'));
      try {
        // The parent imports the module too: the plan checks that every activation kind is registered.
        expect(await loadActivationModule(plugin)).toEqual(['test-squared-relu']);
        const job = firstJob({
          preset: 'smoke',
          configurations: ['sm-g'],
          target: { backend: 'cpu' },
          vocabSize,
          outDir,
          overrides: { steps: 2, activation: { kind: 'test-squared-relu' } },
          activationModules: [plugin],
        });
        expect(job.label).toBe('SM+test-squared-relu');
        const summary = await createForkExecutor({ workerPath: builtWorker })(job, {
          resume: false,
          onProgress: () => {},
        });
        expect(summary).toMatchObject({ status: 'completed', stepsCompleted: 2, label: 'SM+test-squared-relu' });
        expect(summary.model.activation).toEqual({ kind: 'test-squared-relu' });
        expect(Number.isFinite(summary.finalEval?.loss)).toBe(true);
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!existsSync(builtWorker))(
    'should stop the child after its current step, with a checkpoint, when the run is told to stop',
    async () => {
      const outDir = await mkdtemp(join(tmpdir(), 'normfree-fork-stop-'));
      try {
        const job = firstJob({
          preset: 'smoke',
          configurations: ['sm-r'],
          target: { backend: 'cpu' },
          vocabSize,
          outDir,
          overrides: { steps: 2000, checkpointEvery: 1000 },
        });
        const controller = new AbortController();
        const summary = await createForkExecutor({ workerPath: builtWorker })(job, {
          resume: false,
          signal: controller.signal,
          onProgress: (progress) => {
            if (progress.step >= 2) controller.abort();
          },
        });
        expect(summary.status).toBe('stopped');
        expect(summary.stepsCompleted).toBeGreaterThanOrEqual(2);
        expect(summary.stepsCompleted).toBeLessThan(2000);
        expect(existsSync(join(job.runDir, 'checkpoint.safetensors'))).toBe(true);
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!existsSync(builtWorker))(
    'should train on the same batches in a child process as in this one (one data path)',
    async () => {
      const outDir = await mkdtemp(join(tmpdir(), 'normfree-fork-same-'));
      try {
        // Two copies of one run (same seed, embedded corpus's store), one per executor.
        const plan = (folder: string) =>
          firstJob({
            preset: 'smoke',
            configurations: ['sm-r'],
            target: { backend: 'cpu' },
            vocabSize,
            outDir: join(outDir, folder),
            overrides: { steps: 4 },
          });
        const here = plan('in-process');
        const child = plan('fork');
        await createInProcessExecutor()(here, { resume: false, onProgress: () => {} });
        await createForkExecutor({ workerPath: builtWorker })(child, { resume: false, onProgress: () => {} });
        const stepLosses = async (runDir: string): Promise<number[]> =>
          (await readFile(join(runDir, 'logs.jsonl'), 'utf8'))
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as { type: string; loss?: number })
            .filter((record) => record.type === 'step')
            .map((record) => record.loss!);
        const losses = await stepLosses(here.runDir);
        expect(losses).toHaveLength(4);
        // Tolerance 0: the same backend (cpu) and kernels on the same batches give the same bits.
        expect(await stepLosses(child.runDir)).toEqual(losses);
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
