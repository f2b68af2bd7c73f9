/**
 * Runs on a token store (`--data`): the plan records the store's identity, a run interrupted and
 * resumed gives exactly the logs of an uninterrupted one (batchAt stays a pure function of
 * (seed, step)), and a store rewritten after planning is refused.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunJob, type ExperimentData } from '../plan.js';
import { loadStoreSources } from './dataset.js';
import { createInProcessExecutor } from './in-process-executor.js';
import { trainingRecords, writeSmallStore } from './__fixtures__/small-store.js';

let root = '';
let data: ExperimentData;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'normfree-store-data-'));
  data = await writeSmallStore(join(root, 'store'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const job = (runDir: string) =>
  createRunJob({
    preset: 'smoke',
    configuration: 'sm-r',
    seed: 3,
    vocabSize: 4096,
    target: { backend: 'cpu' },
    data,
    overrides: { steps: 6, checkpointEvery: 2 },
    runDir,
  });

describe('training from a token store', () => {
  it('describes the store by its hashes and window counts', () => {
    expect(data).toMatchObject({
      seqLen: 16,
      trainWindows: 64,
      validationWindows: 12,
      tokenizer: { name: expect.any(String), vocabSize: 4096 },
    });
    expect(data.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(job('x').data).toEqual({
      store: data.store,
      manifestSha256: data.manifestSha256,
      seqLen: 16,
      tokenizer: data.tokenizer,
    });
  });

  it('resumes an interrupted run to exactly the logs of an uninterrupted one', async () => {
    const executor = createInProcessExecutor();
    const straight = job(join(root, 'straight'));
    const whole = await executor(straight, { resume: false, onProgress: () => undefined });
    expect(whole.status).toBe('completed');

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
    const config = JSON.parse(await readFile(join(interrupted.runDir, 'config.json'), 'utf8')) as { data: unknown };
    expect(config.data).toEqual(interrupted.data);
  }, 60_000);

  it('refuses a store that changed since the run was planned, naming both hashes', async () => {
    const planned = { ...job('x').data!, manifestSha256: '0'.repeat(64) };
    await expect(loadStoreSources(planned, { batchSize: 4, seed: 1 })).rejects.toThrow(
      new RegExp(
        `changed since this run was planned: manifest sha256 ${data.manifestSha256} \\(planned ${'0'.repeat(64)}\\)`,
      ),
    );
  });

  it('refuses a store whose windows do not fit the model, or that holds less than a batch', () => {
    expect(() =>
      createRunJob({
        preset: 'smoke',
        configuration: 'sm-r',
        seed: 3,
        vocabSize: 4096,
        target: { backend: 'cpu' },
        data,
        overrides: { blockSize: 8 },
        runDir: 'x',
      }),
    ).toThrow(/its windows are 16 tokens, longer than the model's context of 8/);
    expect(() =>
      createRunJob({
        preset: 'smoke',
        configuration: 'sm-r',
        seed: 3,
        vocabSize: 4096,
        target: { backend: 'cpu' },
        data,
        overrides: { batchSize: 65 },
        runDir: 'x',
      }),
    ).toThrow(/training split has 64 windows of 16 tokens, fewer than one batch of 65/);
    expect(() =>
      createRunJob({
        preset: 'smoke',
        configuration: 'sm-r',
        seed: 3,
        vocabSize: 50257,
        target: { backend: 'cpu' },
        data,
        runDir: 'x',
      }),
    ).toThrow(/has 4096 ids but the model was planned for 50257/);
  });
});
