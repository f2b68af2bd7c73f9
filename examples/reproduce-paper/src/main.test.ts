import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeExecutor } from '@normfree/experiment/testing';
import { expect, it } from 'vitest';
import { reproducePaper } from './main.js';

it('should run the four paper configurations and write the report', async () => {
  const base = await mkdtemp(join(tmpdir(), 'normfree-example-'));
  try {
    const executor = createFakeExecutor();
    const report = await reproducePaper({
      preset: 'smoke',
      outDir: join(base, 'exp'),
      steps: 2,
      executor,
      verbose: false,
    });
    expect(executor.calls.map((call) => call.job.configuration)).toEqual(['sm-ln-g', 'sm-ln-r', 'sm-g', 'sm-r']);
    expect(new Set(executor.calls.map((call) => call.job.seed))).toEqual(new Set([1337]));
    expect(await readFile(report.markdownPath, 'utf8')).toContain('SM+LN+R');
    expect(existsSync(join(base, 'exp', 'figure2b-eval-loss.svg'))).toBe(true);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
