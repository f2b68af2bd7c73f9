// plan.json's layouts: version 2 stores the execution target once; version 1 (older normfree)
// repeated its fields in every run and is still read.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planExperiment, type PlanOptions } from '../plan.js';
import { readPlan, writePlanFile, planFileName, planFileVersion } from './plan-file.js';
import { prepareExperiment } from './run-experiment.js';

// The embedded BPE's vocabulary (loadTokenizerVocabSize reads it; a constant keeps this test light).
const vocabSize = 4096;
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh folder holding the plan of two smoke runs on `target`. */
async function plannedFolder(target: PlanOptions['target']): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'normfree-plan-file-'));
  folders.push(dir);
  await prepareExperiment(plan(dir, target), { resume: false });
  return { dir, path: join(dir, planFileName) };
}
const plan = (outDir: string, target: PlanOptions['target']) =>
  planExperiment({
    preset: 'smoke',
    configurations: ['sm-ln-g', 'sm-g'],
    target,
    vocabSize,
    outDir,
    overrides: { steps: 2 },
    now: new Date(0),
  });

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** The plan file as normfree before the run / target split wrote it: the target's fields in every run. */
async function rewriteAsVersion1(path: string, perRun: (index: number) => Record<string, unknown>): Promise<void> {
  const current = await readJson<{ runs: Record<string, unknown>[] }>(path);
  const runs = current.runs.map((run, index) => ({ ...run, ...perRun(index) }));
  await writeFile(path, JSON.stringify({ version: 1, kind: 'normfree-plan', runs }));
}

describe('plan.json', () => {
  it(`should write version ${planFileVersion} with the target once, apart from the runs`, async () => {
    const { dir, path } = await plannedFolder({ backend: 'wasm', nativeThreads: 2 });
    const file = await readJson<{ version: number; target: unknown; runs: Record<string, unknown>[] }>(path);
    expect(file.version).toBe(2);
    expect(file.target).toEqual({ backend: 'wasm', nativeKernels: true, nativeThreads: 2 });
    expect(file.runs[0]).not.toHaveProperty('backend');
    expect(file.runs[0]).not.toHaveProperty('runDir');
    const read = await readPlan(dir);
    expect(read.target).toEqual(file.target);
    expect(read.runs.map((run) => run.runDir)).toEqual([join(dir, 'sm-ln-g-seed1337'), join(dir, 'sm-g-seed1337')]);
  });

  it('should read a version 1 plan, taking its target from the runs, and write version 2 again', async () => {
    const target = { backend: 'webgpu', gpuAdapter: 'software', allowSoftwareAdapter: true } as const;
    const { dir, path } = await plannedFolder(target);
    await rewriteAsVersion1(path, () => ({ ...target, nativeKernels: true }));
    const read = await readPlan(dir);
    expect(read.target).toEqual({ ...target, nativeKernels: true });
    expect(read.runs).toEqual(plan(dir, target).runs);
    await writePlanFile(plan(dir, target));
    expect((await readJson<{ version: number }>(path)).version).toBe(2);
  });

  it('should refuse a version 1 plan whose runs disagree on the backend, naming the runs', async () => {
    const { dir, path } = await plannedFolder({ backend: 'cpu' });
    await rewriteAsVersion1(path, (index) => ({ backend: index === 0 ? 'cpu' : 'wasm', nativeKernels: true }));
    await expect(readPlan(dir)).rejects.toThrow(
      'trains run sm-g-seed1337 on another backend setting than run sm-ln-g-seed1337',
    );
  });

  it('should drop the adapter settings of a version 1 plan on another backend, where they never took effect', async () => {
    const { dir, path } = await plannedFolder({ backend: 'wasm' });
    await rewriteAsVersion1(path, () => ({ backend: 'wasm', nativeKernels: false, gpuAdapter: '0' }));
    expect((await readPlan(dir)).target).toEqual({ backend: 'wasm', nativeKernels: false });
  });

  it('should refuse a version 2 target that no plan makes, naming the file and the value', async () => {
    const { dir, path } = await plannedFolder({ backend: 'wasm' });
    const file = await readJson<{ target: object }>(path);
    await writeFile(path, JSON.stringify({ ...file, target: { ...file.target, gpuAdapter: '0' } }));
    await expect(readPlan(dir)).rejects.toThrow(
      `${path}: gpuAdapter '0' applies to backend webgpu only (the backend is wasm)`,
    );
  });

  it('should refuse a plan version it does not know, saying which it reads', async () => {
    const { dir, path } = await plannedFolder({ backend: 'cpu' });
    await writeFile(path, JSON.stringify({ ...(await readJson<object>(path)), version: 3 }));
    await expect(readPlan(dir)).rejects.toThrow("a plan file's version is 1 or 2");
  });
});
