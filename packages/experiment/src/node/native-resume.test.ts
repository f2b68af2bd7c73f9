/**
 * Exact resume on wasm with the native kernels, fused ones included, on 2 threads: a run interrupted
 * after step 3 and resumed from its checkpoint writes exactly the logs of an uninterrupted run (losses,
 * gradient norms, evals, entropy), as on cpu (store-data.test.ts). Own file: the in-process executor
 * fixes this worker's backend (wasm + native, 2 threads) for good.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAddon } from '@normfree/backend-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunJob, type ExperimentData } from '../plan.js';
import { createInProcessExecutor } from './in-process-executor.js';
import { trainingRecords, writeSmallStore } from './__fixtures__/small-store.js';

let root = '';
let data: ExperimentData;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'normfree-native-resume-'));
  data = await writeSmallStore(join(root, 'store'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** LayerNorm + GELU: the configuration that goes through every fused kernel (and AdamW's). */
const job = (runDir: string) =>
  createRunJob({
    preset: 'smoke',
    configuration: 'sm-ln-g',
    seed: 5,
    vocabSize: 4096,
    target: { backend: 'wasm', nativeKernels: true, nativeThreads: 2 },
    data,
    overrides: { steps: 6, checkpointEvery: 2 },
    runDir,
  });

describe.skipIf(loadAddon().addon === null)('exact resume on wasm with native fused kernels and 2 threads', () => {
  it('resumes an interrupted run to exactly the logs of an uninterrupted one', async () => {
    const executor = createInProcessExecutor();
    const straight = job(join(root, 'straight'));
    const whole = await executor(straight, { resume: false, onProgress: () => undefined });
    expect(whole.status).toBe('completed');
    expect(whole.backend).toMatch(/^wasm\+native/);

    const interrupted = job(join(root, 'interrupted'));
    const stop = new AbortController();
    const first = await executor(interrupted, {
      resume: false,
      signal: stop.signal,
      onProgress: ({ step }) => (step >= 3 ? stop.abort() : undefined),
    });
    expect(first.status).toBe('stopped');
    expect(first.stepsCompleted).toBeLessThan(6);
    const second = await executor(interrupted, { resume: true, onProgress: () => undefined });
    expect(second.status).toBe('completed');
    expect(second.finalEval?.loss).toBe(whole.finalEval?.loss);
    expect(await trainingRecords(interrupted.runDir)).toEqual(await trainingRecords(straight.runDir));
  }, 120_000);
});
