import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planExperiment } from '../plan.js';
import type { ExperimentProgress } from '../progress.js';
import { createFakeExecutor } from '../testing/index.js';
import { loadTokenizerVocabSize } from './dataset.js';
import { runExperiment } from './run-experiment.js';

let vocabSize = 0;
beforeAll(async () => {
  vocabSize = await loadTokenizerVocabSize('default-4096');
});

/** Every progress event as one line. */
function recordingProgress(lines: string[]): ExperimentProgress {
  return {
    start: (runId, { steps, startStep }) => lines.push(`${runId} start ${startStep}/${steps}`),
    update: (runId, progress) =>
      lines.push(`${runId} step ${progress.step}/${progress.steps} loss ${progress.loss?.toFixed(3)}`),
    finish: (runId, message) => lines.push(`${runId}: ${message}`),
    log: (line) => lines.push(line),
    stop: () => lines.push('stop'),
  };
}

const folders: string[] = [];
async function freshFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'normfree-experiment-'));
  folders.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const plan = (outDir: string, overrides: Partial<Parameters<typeof planExperiment>[0]> = {}) =>
  planExperiment({
    preset: 'smoke',
    configurations: ['sm-ln-g', 'sm-g'],
    seeds: [1337],
    target: { backend: 'cpu' },
    vocabSize,
    outDir,
    overrides: { steps: 2 },
    ...overrides,
  });

describe('runExperiment', () => {
  it('should write experiment.json before the first run and one folder per configuration and seed', async () => {
    const outDir = join(await freshFolder(), 'exp');
    const executor = createFakeExecutor();
    let manifestBeforeFirstRun = false;
    const spy: typeof executor = Object.assign(
      async (...args: Parameters<typeof executor>) => {
        manifestBeforeFirstRun ||= existsSync(join(outDir, 'experiment.json'));
        return executor(...args);
      },
      { calls: executor.calls },
    );
    const result = await runExperiment(plan(outDir, { seeds: [1, 2] }), { executor: spy });
    expect(manifestBeforeFirstRun).toBe(true);
    expect(result.directory).toBe('new');
    expect(result.outcomes.map((outcome) => `${outcome.runId}:${outcome.kind}`)).toEqual([
      'sm-ln-g-seed1:trained',
      'sm-ln-g-seed2:trained',
      'sm-g-seed1:trained',
      'sm-g-seed2:trained',
    ]);
    const manifest = JSON.parse(await readFile(join(outDir, 'experiment.json'), 'utf8'));
    expect(manifest).toMatchObject({
      version: 1,
      kind: 'normfree-experiment',
      preset: 'smoke',
      configurations: ['sm-ln-g', 'sm-g'],
      seeds: [1, 2],
      tokenizer: 'default-4096',
      overrides: { steps: 2 },
    });
    expect(existsSync(join(outDir, 'sm-g-seed2', 'summary.json'))).toBe(true);
  });

  it('should refuse a folder holding a different experiment and overwrite nothing', async () => {
    const outDir = await freshFolder();
    await runExperiment(plan(outDir), { executor: createFakeExecutor() });
    const before = await readFile(join(outDir, 'experiment.json'), 'utf8');
    const executor = createFakeExecutor();
    await expect(
      runExperiment(plan(outDir, { configurations: ['sm-ln-g', 'sm-r'] }), { executor, resume: true }),
    ).rejects.toThrow(/holds a different experiment[\s\S]*configurations/);
    await expect(runExperiment(plan(outDir, { overrides: { steps: 3 } }), { executor, resume: true })).rejects.toThrow(
      /overrides: folder has \{"steps":2\}, this command asks for \{"steps":3\}/,
    );
    await expect(runExperiment(plan(outDir, { seeds: [1, 2] }), { executor, resume: true })).rejects.toThrow(/seeds/);
    expect(executor.calls).toHaveLength(0);
    expect(await readFile(join(outDir, 'experiment.json'), 'utf8')).toBe(before);
  });

  it('should refuse the same experiment without --resume, and a non-empty folder that is not an experiment', async () => {
    const outDir = await freshFolder();
    await runExperiment(plan(outDir), { executor: createFakeExecutor() });
    await expect(runExperiment(plan(outDir), { executor: createFakeExecutor() })).rejects.toThrow('pass --resume');
    const other = await freshFolder();
    await writeFile(join(other, 'notes.txt'), 'mine');
    await expect(runExperiment(plan(other), { executor: createFakeExecutor() })).rejects.toThrow(
      'is not a normfree experiment',
    );
    expect(await readFile(join(other, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('should skip finished runs and resume interrupted ones on --resume', async () => {
    const outDir = await freshFolder();
    const first = createFakeExecutor({ fail: ['sm-g'] });
    const initial = await runExperiment(plan(outDir, { configurations: ['sm-ln-g', 'sm-g', 'sm-r'] }), {
      executor: first,
    });
    expect(initial.outcomes.map((outcome) => outcome.kind)).toEqual(['trained', 'failed', 'trained']);
    // sm-g failed before writing anything; sm-r was interrupted after its checkpoint (no summary).
    await rm(join(outDir, 'sm-r-seed1337', 'summary.json'));
    await mkdir(join(outDir, 'sm-g-seed1337'), { recursive: true });
    await writeFile(join(outDir, 'sm-g-seed1337', 'checkpoint.safetensors'), '');
    const second = createFakeExecutor();
    const resumed = await runExperiment(plan(outDir, { configurations: ['sm-ln-g', 'sm-g', 'sm-r'] }), {
      executor: second,
      resume: true,
    });
    expect(resumed.directory).toBe('resumed');
    expect(resumed.outcomes.map((outcome) => outcome.kind)).toEqual(['skipped', 'trained', 'trained']);
    expect(second.calls.map((call) => [call.job.runId, call.resume])).toEqual([
      ['sm-g-seed1337', true],
      ['sm-r-seed1337', true],
    ]);
  });

  it('should keep going after a diverged run and report it as diverged', async () => {
    const outDir = await freshFolder();
    const lines: string[] = [];
    const result = await runExperiment(plan(outDir, { configurations: ['sm', 'sm-ln-g'] }), {
      executor: createFakeExecutor({ diverge: ['sm'] }),
      progress: recordingProgress(lines),
    });
    expect(result.outcomes.map((outcome) => ('summary' in outcome ? outcome.summary.status : outcome.kind))).toEqual([
      'diverged',
      'completed',
    ]);
    expect(lines).toContain('sm-seed1337: diverged at step 1 (loss is NaN)');
    expect(lines).toContain('sm-ln-g-seed1337 step 2/2 loss 7.800');
    expect(lines.at(-1)).toBe('stop');
  });

  it('should run at most `workers` runs at the same time', async () => {
    const outDir = await freshFolder();
    const executor = createFakeExecutor();
    let running = 0;
    let peak = 0;
    const slow: typeof executor = Object.assign(
      async (...args: Parameters<typeof executor>) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        try {
          return await executor(...args);
        } finally {
          running -= 1;
        }
      },
      { calls: executor.calls },
    );
    await runExperiment(plan(outDir, { configurations: ['sm-ln-g', 'sm-ln-r', 'sm-g', 'sm-r'] }), {
      executor: slow,
      workers: 2,
    });
    expect(peak).toBe(2);
    expect(executor.calls).toHaveLength(4);
  });

  it('should stop on the signal: the running run ends stopped, queued runs do not start, and --resume continues', async () => {
    const outDir = await freshFolder();
    const controller = new AbortController();
    const executor = createFakeExecutor();
    const interrupting: typeof executor = Object.assign(
      async (...args: Parameters<typeof executor>) => {
        controller.abort(); // Ctrl-C during the first run
        return executor(...args);
      },
      { calls: executor.calls },
    );
    const result = await runExperiment(plan(outDir), { executor: interrupting, signal: controller.signal });
    expect(result.interrupted).toBe(true);
    expect(result.outcomes.map((outcome) => ('summary' in outcome ? outcome.summary.status : outcome.kind))).toEqual([
      'stopped',
      'not-started',
    ]);
    const resumed = createFakeExecutor();
    const second = await runExperiment(plan(outDir), { executor: resumed, resume: true });
    expect(second.interrupted).toBe(false);
    expect(resumed.calls.map((call) => [call.job.runId, call.resume])).toEqual([
      ['sm-ln-g-seed1337', true],
      ['sm-g-seed1337', false],
    ]);
  });
});
