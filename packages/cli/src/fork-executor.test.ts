import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '@normfree/core';
import { describe, expect, it } from 'vitest';
import { planExperiment } from './experiment-plan.js';
import { createForkExecutor } from './fork-executor.js';
import type { RunProgress } from './progress.js';

// The child runs the compiled CLI (dist/bin.js), as `reproduce --workers N` does; `pnpm build`
// (tools/run.sh test) produces it. From sources alone only the error path can be tested.
const builtBin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

describe('createForkExecutor', () => {
  it('should say how to get the built CLI when it is missing', async () => {
    const executor = createForkExecutor({ binPath: '/nowhere/bin.js' });
    const [job] = planExperiment({ preset: 'smoke', configurations: ['sm-r'], backend: 'cpu', outDir: '/tmp/unused' }).runs;
    await expect(executor(job!, { resume: false, onProgress: () => {} })).rejects.toThrow('--workers > 1 needs the built CLI at /nowhere/bin.js');
  });

  it.skipIf(!existsSync(builtBin))('should train a run in a child process and report its progress and summary', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'normfree-fork-'));
    try {
      const [job] = planExperiment({ preset: 'smoke', configurations: ['sm-r'], backend: 'cpu', outDir, overrides: { steps: 2 } }).runs;
      const updates: RunProgress[] = [];
      const summary = await createForkExecutor({ binPath: builtBin })(job!, { resume: false, onProgress: (progress) => updates.push(progress) });
      expect(summary).toMatchObject({ configuration: 'sm-r', status: 'completed', stepsCompleted: 2, backend: 'cpu' });
      expect(updates.at(-1)).toMatchObject({ step: 2, steps: 2 });
      const onDisk = JSON.parse(await readFile(join(job!.runDir, 'summary.json'), 'utf8')) as RunSummary;
      expect(onDisk.finalEval?.loss).toBe(summary.finalEval?.loss);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
