import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultWorkers } from './default-workers.js';
import { runCli } from './program.js';
import { createFakeExecutor } from '@normfree/experiment/testing';
import { createCapturedIo } from './testing/index.js';
import { silentProgress } from '@normfree/experiment';

const run = async (argv: string[]) => {
  const io = createCapturedIo();
  const executor = createFakeExecutor();
  const code = await runCli(argv, io, { createExecutor: () => executor, progress: silentProgress });
  return { code, ...io.output, executor };
};

describe('normfree command line', () => {
  it('should print help for the program and every command with exit code 0', async () => {
    const top = await run(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['reproduce', 'train', 'report', 'plot-authors', 'bench'])
      expect(top.stdout).toContain(command);
    expect(top.stdout).not.toContain('run-one');
    for (const command of ['reproduce', 'train', 'report', 'plot-authors', 'bench']) {
      const help = await run([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toContain(`Usage: normfree ${command}`);
    }
    const reproduce = await run(['reproduce', '--help']);
    for (const flag of [
      '--preset',
      '--configs',
      '--steps',
      '--seeds',
      '--backend',
      '--out',
      '--resume',
      '--workers',
      '--fp16-overflow',
    ]) {
      expect(reproduce.stdout).toContain(flag);
    }
  });

  it('should reject an unknown flag with a suggestion and exit code 2', async () => {
    const result = await run(['reproduce', '--stpes', '3']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--stpes'");
    expect(result.stderr).toContain('Did you mean --steps?');
    expect(result.executor.calls).toHaveLength(0);
  });

  it('should reject an unknown command with a suggestion', async () => {
    const result = await run(['reprodce']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Did you mean reproduce?');
  });

  it('should reject an unknown configuration and suggest the closest id', async () => {
    const result = await run(['reproduce', '--configs', 'sm-ln-g,sm-lnr']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown configuration 'sm-lnr'");
    expect(result.stderr).toContain("did you mean 'sm-ln-r'?");
  });

  it('should reject an unknown preset and backend naming the value', async () => {
    const preset = await run(['reproduce', '--preset', 'smok']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain("unknown preset 'smok' (did you mean 'smoke'?)");
    const backend = await run(['train', '--backend', 'wasn']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain("unknown backend 'wasn' (did you mean 'wasm'?)");
  });

  it('should reject bad numbers and seeds naming the value', async () => {
    expect((await run(['reproduce', '--steps', '0'])).stderr).toContain("expected a positive integer, got '0'");
    expect((await run(['reproduce', '--seeds', '1337,x'])).stderr).toContain("seed 'x' is not an integer");
    expect((await run(['reproduce', '--seeds', '1,1'])).stderr).toContain('seed 1 is listed twice');
    expect((await run(['reproduce', '--workers', '1.5'])).code).toBe(2);
  });

  it('should reject an impossible model naming both numbers', async () => {
    const result = await run(['train', '--preset', 'smoke', '--n-embd', '100', '--n-head', '12']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nEmbd 100 is not divisible by nHead 12');
    expect(result.executor.calls).toHaveLength(0);
  });

  it('should reject a hybrid schedule whose length is not nLayer', async () => {
    const result = await run(['train', '--preset', 'quick', '--activation', 'gelu*3+relu']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('activation schedule has 4 entries but nLayer is 2');
  });

  it('should pass every train override to the run', async () => {
    const io = createCapturedIo();
    const executor = createFakeExecutor();
    const code = await runCli(
      [
        'train',
        '--preset',
        'smoke',
        '--config',
        'sm-g',
        '--norm',
        'ln',
        '--activation',
        'leaky-relu:0.1',
        '--steps',
        '3',
        '--batch-size',
        '2',
        '--grad-accum',
        '2',
        '--lr',
        '0.002',
        '--seed',
        '7',
        '--eval-every',
        '2',
        '--entropy-every',
        '3',
        '--fp16-overflow',
        '--out',
        'run-a',
      ],
      io,
      { createExecutor: () => executor, progress: silentProgress },
    );
    expect(code, io.output.stderr).toBe(0);
    const [call] = executor.calls;
    expect(call?.job.model).toMatchObject({
      norm: 'layernorm',
      activation: { kind: 'leaky-relu', slope: 0.1 },
      nLayer: 1,
      nHead: 2,
      nEmbd: 16,
    });
    expect(call?.job.training).toMatchObject({
      steps: 3,
      microBatchSize: 2,
      gradientAccumulation: 2,
      learningRate: 0.002,
      seed: 7,
      evalEvery: 2,
      entropyEvery: 3,
      fp16AttentionOverflow: true,
    });
    expect(call?.job.runDir).toBe(`${io.cwd}/run-a`);
    expect(call?.job.target).toMatchObject({ backend: 'wasm', nativeKernels: true });
    // An overridden norm and activation make another model than sm-g: the run is named by what it is.
    expect(call?.job).toMatchObject({ configuration: 'sm+ln+leaky-relu-0.1', label: 'SM+LN+leaky-relu(0.1)' });
    expect(io.output.stdout).toContain('sm+ln+leaky-relu-0.1-seed7: completed after 3 steps');

    // The same folder again: refused without --resume, "already finished" with it.
    const again = createCapturedIo(io.cwd);
    expect(
      await runCli(
        [
          'train',
          '--preset',
          'smoke',
          '--config',
          'sm-g',
          '--norm',
          'ln',
          '--activation',
          'leaky-relu:0.1',
          '--seed',
          '7',
          '--out',
          'run-a',
        ],
        again,
        { createExecutor: () => executor, progress: silentProgress },
      ),
    ).toBe(2);
    expect(again.output.stderr).toContain('pass --resume');
    const other = createCapturedIo(io.cwd);
    expect(
      await runCli(
        ['train', '--preset', 'smoke', '--config', 'sm-r', '--seed', '7', '--out', 'run-a', '--resume'],
        other,
        { createExecutor: () => executor, progress: silentProgress },
      ),
    ).toBe(2);
    expect(other.output.stderr).toContain('holds run sm+ln+leaky-relu-0.1-seed7, not sm-r-seed7');
  });

  it('should turn the native kernels off with --no-native, for train and for every run of reproduce', async () => {
    const train = await run(['train', '--preset', 'smoke', '--no-native', '--out', 'run-n']);
    expect(train.code, train.stderr).toBe(0);
    expect(train.executor.calls.map((call) => call.job.target.nativeKernels)).toEqual([false]);
    const reproduce = await run(['reproduce', '--preset', 'smoke', '--no-native', '--no-report', '--out', 'exp-n']);
    expect(reproduce.code, reproduce.stderr).toBe(0);
    expect(reproduce.executor.calls.map((call) => call.job.target.nativeKernels)).toEqual([false, false, false, false]);
  });

  it('should give the native kernels the cores ÷ workers, or --threads, in every run', async () => {
    const cores = availableParallelism();
    const train = await run(['train', '--preset', 'smoke', '--out', 'run-t']);
    expect(train.code, train.stderr).toBe(0);
    expect(train.executor.calls.map((call) => call.job.target.nativeThreads)).toEqual([cores]);
    const reproduce = await run([
      'reproduce',
      '--preset',
      'smoke',
      '--workers',
      '2',
      '--configs',
      'sm-g',
      '--no-report',
      '--out',
      'exp-t',
    ]);
    expect(reproduce.code, reproduce.stderr).toBe(0);
    expect(reproduce.executor.calls.map((call) => call.job.target.nativeThreads)).toEqual([
      Math.max(1, Math.floor(cores / 2)),
    ]);
    const explicit = await run(['train', '--preset', 'smoke', '--threads', '3', '--out', 'run-t3']);
    expect(explicit.executor.calls.map((call) => call.job.target.nativeThreads)).toEqual([3]);
    expect((await run(['train', '--preset', 'smoke', '--threads', '0', '--out', 'run-t0'])).code).toBe(2);
  });

  it('should validate bench options before measuring anything', async () => {
    const backend = await run(['bench', '--backends', 'wasm,gpu']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toContain("unknown backend 'gpu'; known: wasm, wasm+native, cpu");
    const flag = await run(['bench', '--proceses', '2']);
    expect(flag.stderr).toContain('Did you mean --processes?');
    const preset = await run(['bench', '--presets', 'paper-gpt3']);
    expect(preset.code).toBe(2);
    expect(preset.stderr).toContain("unknown preset 'paper-gpt3'; known: bench, laptop, paper-gpt2, paper-pythia-70m");
    expect((await run(['bench', '--presets', 'paper-gpt2', '--batch-size', '0'])).code).toBe(2);
    expect((await run(['bench', '--presets', 'paper-gpt2', '--grad-accum', '1.5'])).code).toBe(2);
    const io = createCapturedIo();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${io.cwd}/old.json`, '{}');
    expect(await runCli(['bench', '--json', 'old.json'], io)).toBe(2);
    expect(io.output.stderr).toContain('already exists; nothing was overwritten');
  });

  it('should put experiments in runs/<preset>-<date>, never reusing a taken folder, and resume the newest', async () => {
    const io = createCapturedIo();
    const executor = createFakeExecutor();
    const dependencies = {
      createExecutor: () => executor,
      progress: silentProgress,
      now: () => new Date('2026-11-23T12:00:00Z'),
    };
    const argv = ['reproduce', '--preset', 'smoke', '--configs', 'sm-r', '--steps', '1', '--no-report'];
    expect(await runCli(argv, io, dependencies)).toBe(0);
    expect(await runCli(argv, io, dependencies)).toBe(0);
    expect(executor.calls.map((call) => call.job.runDir)).toEqual([
      `${io.cwd}/runs/smoke-2026-11-23/sm-r-seed1337`,
      `${io.cwd}/runs/smoke-2026-11-23-2/sm-r-seed1337`,
    ]);
    expect(await runCli([...argv, '--resume'], io, dependencies)).toBe(0);
    expect(io.output.stderr).toContain(`experiment ${io.cwd}/runs/smoke-2026-11-23-2:`);
    expect(executor.calls).toHaveLength(2); // the resumed experiment was already finished
  });

  it('should default to one worker for smoke and min(2, cores) otherwise, unless --workers is given', async () => {
    const asked: number[] = [];
    const executor = createFakeExecutor();
    const dependencies = {
      createExecutor: ({ workers }: { workers: number }) => (asked.push(workers), executor),
      progress: silentProgress,
    };
    const io = createCapturedIo();
    await runCli(
      ['reproduce', '--preset', 'smoke', '--configs', 'sm-r', '--steps', '1', '--no-report', '--out', 'a'],
      io,
      dependencies,
    );
    await runCli(
      ['reproduce', '--preset', 'quick', '--configs', 'sm-r', '--steps', '1', '--no-report', '--out', 'b'],
      io,
      dependencies,
    );
    await runCli(
      [
        'reproduce',
        '--preset',
        'quick',
        '--configs',
        'sm-r',
        '--steps',
        '1',
        '--no-report',
        '--out',
        'c',
        '--workers',
        '3',
      ],
      io,
      dependencies,
    );
    expect(asked).toEqual([1, defaultWorkers, 3]);
  });
});
