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
async function freshFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'normfree-plan-file-'));
  folders.push(dir);
  return dir;
}
const plan = (outDir: string, target: PlanOptions['target']) =>
  planExperiment({ preset: 'smoke', configurations: ['sm-ln-g', 'sm-g'], target, vocabSize, outDir, overrides: { steps: 2 }, now: new Date(0) });

/** The plan file as normfree before the run / target split wrote it: the target's fields in every run. */
async function rewriteAsVersion1(dir: string, perRun: (index: number) => Record<string, unknown>): Promise<void> {
  const path = join(dir, planFileName);
  const current = JSON.parse(await readFile(path, 'utf8')) as { runs: Record<string, unknown>[] };
  await writeFile(path, JSON.stringify({ version: 1, kind: 'normfree-plan', runs: current.runs.map((run, index) => ({ ...run, ...perRun(index) })) }));
}

describe('plan.json', () => {
  it(`should write version ${planFileVersion} with the target once, apart from the runs`, async () => {
    const dir = await freshFolder();
    await prepareExperiment(plan(dir, { backend: 'wasm', nativeThreads: 2 }), { resume: false });
    const file = JSON.parse(await readFile(join(dir, planFileName), 'utf8')) as { version: number; target: unknown; runs: Record<string, unknown>[] };
    expect(file.version).toBe(2);
    expect(file.target).toEqual({ backend: 'wasm', nativeKernels: true, nativeThreads: 2 });
    expect(file.runs[0]).not.toHaveProperty('backend');
    expect(file.runs[0]).not.toHaveProperty('runDir');
    const read = await readPlan(dir);
    expect(read.target).toEqual(file.target);
    expect(read.runs.map((run) => run.runDir)).toEqual([join(dir, 'sm-ln-g-seed1337'), join(dir, 'sm-g-seed1337')]);
  });

  it('should read a version 1 plan, taking its target from the runs, and rewrite it as version 2 on resume', async () => {
    const dir = await freshFolder();
    const planned = plan(dir, { backend: 'webgpu', gpuAdapter: 'software', allowSoftwareAdapter: true });
    await prepareExperiment(planned, { resume: false });
    await rewriteAsVersion1(dir, () => ({ backend: 'webgpu', nativeKernels: true, gpuAdapter: 'software', allowSoftwareAdapter: true }));
    const read = await readPlan(dir);
    expect(read.target).toEqual({ backend: 'webgpu', nativeKernels: true, gpuAdapter: 'software', allowSoftwareAdapter: true });
    expect(read.runs).toEqual(planned.runs);
    await writePlanFile(planned);
    expect((JSON.parse(await readFile(join(dir, planFileName), 'utf8')) as { version: number }).version).toBe(2);
  });

  it('should refuse a version 1 plan whose runs disagree on the backend, naming the runs', async () => {
    const dir = await freshFolder();
    await prepareExperiment(plan(dir, { backend: 'cpu' }), { resume: false });
    await rewriteAsVersion1(dir, (index) => ({ backend: index === 0 ? 'cpu' : 'wasm', nativeKernels: true }));
    await expect(readPlan(dir)).rejects.toThrow('trains run sm-g-seed1337 on another backend setting than run sm-ln-g-seed1337');
  });

  it('should refuse a plan version it does not know, saying which it reads', async () => {
    const dir = await freshFolder();
    await prepareExperiment(plan(dir, { backend: 'cpu' }), { resume: false });
    const path = join(dir, planFileName);
    await writeFile(path, JSON.stringify({ ...(JSON.parse(await readFile(path, 'utf8')) as object), version: 3 }));
    await expect(readPlan(dir)).rejects.toThrow("a plan file's version is 1 or 2");
  });
});
