import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ExperimentManifest, RunSummary } from '@normfree/core';
import { afterAll, describe, expect, it } from 'vitest';

// The built command, as a user runs it: the parent loads the plug-in to check the activation, and
// each of the two worker processes loads it again before building its model.
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const worker = fileURLToPath(new URL('../../experiment/dist/node/worker.js', import.meta.url));
const plugin = fileURLToPath(new URL('./__fixtures__/squared-relu-plugin.mjs', import.meta.url));
const run = promisify(execFile);

describe.skipIf(!existsSync(bin) || !existsSync(worker))(
  'normfree reproduce with a plug-in activation and --workers 2',
  () => {
    const folders: string[] = [];
    afterAll(async () => {
      await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it('should train both configurations with the plug-in in two worker processes and report them under their real names', async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'normfree-plugin-'));
      folders.push(cwd);
      const { stdout, stderr } = await run(
        process.execPath,
        [
          bin,
          'reproduce',
          '--preset',
          'smoke',
          '--configs',
          'sm-ln-g,sm-g',
          '--activation',
          'squared-relu:3',
          '--activation-module',
          plugin,
          '--steps',
          '2',
          '--backend',
          'cpu',
          '--workers',
          '2',
          '--out',
          'exp',
          '--plain-progress',
        ],
        { cwd, timeout: 240_000 },
      );
      expect(stderr).toContain('registered squared-relu');
      expect(stderr).toContain('2 workers');
      const manifest = JSON.parse(await readFile(join(cwd, 'exp', 'experiment.json'), 'utf8')) as ExperimentManifest & {
        activationModules: string[];
        overrides: object;
      };
      expect(manifest.activationModules).toEqual([`file://${plugin}`]);
      expect(manifest.overrides).toMatchObject({ activation: { kind: 'squared-relu', power: 3 } });
      for (const [run, label] of [
        ['sm+ln+squared-relu-seed1337', 'SM+LN+squared-relu'],
        ['sm+squared-relu-seed1337', 'SM+squared-relu'],
      ] as const) {
        const summary = JSON.parse(await readFile(join(cwd, 'exp', run, 'summary.json'), 'utf8')) as RunSummary;
        // Not 'sm-ln-g'/'sm-g': those ids name the paper's GELU models, and the report tests the paper's orderings on them.
        expect(summary).toMatchObject({
          status: 'completed',
          stepsCompleted: 2,
          label,
          configuration: run.replace('-seed1337', ''),
        });
        expect(summary.model.activation).toEqual({ kind: 'squared-relu', power: 3 });
      }
      expect(stdout).toContain('SM+squared-relu');
      expect(await readFile(join(cwd, 'exp', 'report.md'), 'utf8')).toContain('SM+LN+squared-relu');
    }, 300_000);

    it('should refuse an activation that no module registered, naming it, before training', async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'normfree-plugin-'));
      folders.push(cwd);
      const failure = await run(
        process.execPath,
        [bin, 'train', '--preset', 'smoke', '--activation', 'squared-relu', '--backend', 'cpu', '--out', 'run'],
        { cwd },
      ).catch((error: { code: number; stderr: string }) => error);
      expect(failure).toMatchObject({ code: 2 });
      expect((failure as { stderr: string }).stderr).toContain("--activation: unknown activation 'squared-relu'");
      expect(existsSync(join(cwd, 'run'))).toBe(false);
    });
  },
);
