import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentInputError } from '../errors.js';
import { emitSlurm, slurmFileNames, slurmLogFolder, type SlurmJobOptions } from './emit-slurm.js';
import type { EmittedFiles } from './cluster-job-options.js';
import { sbatchQuote } from './slurm-values.js';

const base: SlurmJobOptions = {
  experimentDir: '/scratch/me/relu-revival',
  runs: 8,
  cpusPerTask: 4,
  time: '12:00:00',
  memory: '16G',
};

/** An experiment folder name with everything that breaks naive quoting (bash's or sbatch's). */
const awkwardFolder = `it's a "test" #1 $HOME 100%`;

function file(emitted: EmittedFiles, name: string): string {
  const found = emitted.files.find((candidate) => candidate.name === name);
  if (found === undefined)
    throw new Error(`no file ${name} in ${emitted.files.map((candidate) => candidate.name).join(', ')}`);
  return found.text;
}

/**
 * The arguments sbatch reads from a script's `#SBATCH` lines, as SLURM `src/sbatch/opt.c`
 * `_get_argument()` splits them: `modern` since 18.08 (`"` and `'` quote, `\` escapes, an unquoted
 * `#` ends the line), otherwise the older parser (only `"` toggles quoting; `#` ends the line even
 * inside quotes). Directives stop at the first line that is neither blank nor a comment.
 */
function sbatchDirectives(script: string, parser: 'modern' | 'old'): string[] {
  const found: string[] = [];
  for (const line of script.split('\n').slice(1)) {
    if (!line.startsWith('#')) {
      if (line.trim() === '') continue;
      break;
    }
    if (!line.startsWith('#SBATCH')) continue;
    let rest = line.slice('#SBATCH'.length);
    for (;;) {
      rest = rest.replace(/^\s+/, '');
      if (rest === '') break;
      let argument = '';
      let index = 0;
      let escaped = false;
      let quote: string | undefined;
      for (; index < rest.length; index++) {
        const character = rest[index]!;
        if (quote === undefined && /\s/.test(character)) break;
        if (escaped) {
          escaped = false;
        } else if (character === '\\') {
          escaped = true;
          continue;
        } else if (parser === 'modern' && quote !== undefined && character === quote) {
          quote = undefined;
          continue;
        } else if (parser === 'modern' && quote === undefined && (character === '"' || character === "'")) {
          quote = character;
          continue;
        } else if (parser === 'old' && character === '"') {
          quote = quote === undefined ? '"' : undefined;
          continue;
        } else if (character === '#' && (parser === 'old' || quote === undefined)) {
          index = rest.length;
          break;
        }
        argument += character;
      }
      if (argument !== '') found.push(argument);
      rest = rest.slice(index);
    }
  }
  return found;
}

/** The value of `--name=value` among sbatch's arguments. */
function directive(arguments_: readonly string[], name: string): string | undefined {
  return arguments_.find((argument) => argument.startsWith(`--${name}=`))?.slice(name.length + 3);
}

describe('emitSlurm', () => {
  it('should emit the array script, the report script and an executable submit.sh', () => {
    const emitted = emitSlurm(base);
    expect(emitted.files.map(({ name, executable }) => ({ name, executable }))).toEqual([
      { name: 'runs.sbatch', executable: false },
      { name: 'report.sbatch', executable: false },
      { name: 'submit.sh', executable: true },
    ]);
  });

  it.each([
    ['plain', base],
    [
      'awkward',
      {
        ...base,
        experimentDir: `/scratch/${awkwardFolder}`,
        normfreeCommand: ['node', '/opt/my tools/bin.js'],
        runArguments: ['--backend', "it's"],
        setup: ['module load nodejs/20', 'source "$HOME/.bashrc"'],
        extraSbatch: ['--qos=long'],
        gpusPerTask: 1,
        maxParallel: 2,
      },
    ],
  ] as const)('should write valid bash (%s options; bash -n)', (_, options) => {
    for (const { name, text } of emitSlurm(options).files) {
      const check = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
      expect(check.stderr, name).toBe('');
      expect(check.status, name).toBe(0);
      expect(text.startsWith('#!'), name).toBe(true);
      expect(text, name).toContain('set -euo pipefail');
    }
  });

  it('should make an array of one task per planned run, 0 to N-1', () => {
    const directives = (options: SlurmJobOptions) =>
      sbatchDirectives(file(emitSlurm(options), 'runs.sbatch'), 'modern');
    expect(directive(directives(base), 'array')).toBe('0-7');
    expect(directive(directives({ ...base, runs: 1 }), 'array')).toBe('0-0');
    expect(directive(directives({ ...base, maxParallel: 3 }), 'array')).toBe('0-7%3');
  });

  it('should ask for the resources, the requeue and appended logs', () => {
    const runs = sbatchDirectives(
      file(
        emitSlurm({
          ...base,
          partition: 'gpu,gpu-long',
          account: 'proj42',
          gpusPerTask: 2,
          extraSbatch: ['--qos=long'],
        }),
        'runs.sbatch',
      ),
      'modern',
    );
    expect(runs).toEqual(
      expect.arrayContaining([
        '--job-name=normfree-relu-revival',
        '--ntasks=1',
        '--cpus-per-task=4',
        '--mem=16G',
        '--time=12:00:00',
        '--partition=gpu,gpu-long',
        '--account=proj42',
        '--gres=gpu:2',
        '--requeue',
        '--open-mode=append',
        '--qos=long',
      ]),
    );
    expect(directive(runs, 'output')).toBe('/scratch/me/relu-revival/slurm/logs/run-%A_%a.out');
    expect(directive(runs, 'error')).toBe('/scratch/me/relu-revival/slurm/logs/run-%A_%a.err');
  });

  it('should give the report job the same CPUs, memory, time and site options, but no GPU and no array', () => {
    const report = sbatchDirectives(
      file(
        emitSlurm({ ...base, partition: 'gpu', gpusPerTask: 2, gpuType: 'a100', extraSbatch: ['--qos=long'] }),
        'report.sbatch',
      ),
      'modern',
    );
    expect(report).toEqual([
      '--job-name=normfree-relu-revival-report',
      '--ntasks=1',
      '--cpus-per-task=4',
      '--mem=16G',
      '--time=12:00:00',
      '--partition=gpu',
      '--output=/scratch/me/relu-revival/slurm/logs/report-%j.out',
      '--error=/scratch/me/relu-revival/slurm/logs/report-%j.err',
      '--qos=long',
    ]);
  });

  it('should name a GPU type in --gres when one is given', () => {
    const runs = sbatchDirectives(
      file(emitSlurm({ ...base, gpusPerTask: 2, gpuType: 'a100' }), 'runs.sbatch'),
      'modern',
    );
    expect(directive(runs, 'gres')).toBe('gpu:a100:2');
    expect(directive(sbatchDirectives(file(emitSlurm(base), 'runs.sbatch'), 'modern'), 'gres')).toBeUndefined();
  });

  it.each(['modern', 'old'] as const)(
    'should quote log paths so that the %s sbatch parser reads the folder back exactly',
    (parser) => {
      const experimentDir = `/scratch/${awkwardFolder}`;
      const runs = sbatchDirectives(file(emitSlurm({ ...base, experimentDir }), 'runs.sbatch'), parser);
      // `%` is doubled: sbatch reads `%%` in a file name pattern as one literal `%`.
      expect(directive(runs, 'output')).toBe(`/scratch/${awkwardFolder.replace('%', '%%')}/slurm/logs/run-%A_%a.out`);
      expect(directive(runs, 'job-name')).toBe('normfree-it-s-a-test-1-home-100');
    },
  );

  it.each(['modern', 'old'] as const)('should escape what the %s sbatch parser treats specially', (parser) => {
    for (const value of [`a b`, `it's`, `"q"`, `x#y`, `back\\slash`, `$HOME`]) {
      expect(sbatchDirectives(`#!/bin/bash\n#SBATCH --x=${sbatchQuote(value)}\n`, parser)).toEqual([`--x=${value}`]);
    }
  });

  describe('the scripts, run with fake sbatch and normfree', () => {
    let folder = '';
    beforeEach(async () => {
      folder = await mkdtemp(join(tmpdir(), 'normfree-slurm-'));
    });
    afterEach(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    /** Write the files as the CLI would, and a fake `normfree` that records its arguments and one variable. */
    async function setUp(
      options: Partial<SlurmJobOptions> = {},
    ): Promise<{ experimentDir: string; fakeNormfree: string }> {
      const experimentDir = join(folder, awkwardFolder);
      const fakeNormfree = join(folder, 'fake normfree');
      await writeFile(
        fakeNormfree,
        `#!/bin/bash\nprintf '%s\\0' "$@" > "$RECORD"\nprintf '%s' "\${FROM_SETUP-unset}" > "$RECORD.setup"\n`,
      );
      await chmod(fakeNormfree, 0o755);
      for (const { name, text, executable } of emitSlurm({
        ...base,
        experimentDir,
        normfreeCommand: [fakeNormfree],
        ...options,
      }).files) {
        await writeFile(join(folder, name), text, { mode: executable ? 0o755 : 0o644 });
      }
      return { experimentDir, fakeNormfree };
    }

    async function recorded(): Promise<string[]> {
      return (await readFile(join(folder, 'record'), 'utf8')).split('\0').slice(0, -1);
    }

    it('should have task i run `normfree run <exp> --index i` with the run arguments, after the setup lines', async () => {
      const runArguments = ['--backend', 'wasm', '--note', `"$(rm -rf /)" it's`];
      // The setup reads an unset variable: it must run with `set +u`, as module and conda scripts do.
      const { experimentDir } = await setUp({
        runArguments,
        setup: ['echo "${NOT_SET_ANYWHERE}" > /dev/null', 'export FROM_SETUP=yes'],
      });
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        RECORD: join(folder, 'record'),
        SLURM_ARRAY_TASK_ID: '3',
      };
      execFileSync('bash', [join(folder, slurmFileNames.runs)], { env });
      expect(await recorded()).toEqual(['run', experimentDir, '--index', '3', ...runArguments]);
      expect(await readFile(join(folder, 'record.setup'), 'utf8')).toBe('yes');
    });

    it('should have the report job run `normfree report <exp>`', async () => {
      const { experimentDir } = await setUp();
      execFileSync('bash', [join(folder, slurmFileNames.report)], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', RECORD: join(folder, 'record') },
      });
      expect(await recorded()).toEqual(['report', experimentDir]);
    });

    it('should stop with a message, not run index "", when started outside a job array', async () => {
      await setUp();
      const result = spawnSync('bash', [join(folder, slurmFileNames.runs)], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', RECORD: join(folder, 'record') },
        encoding: 'utf8',
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(
        'SLURM_ARRAY_TASK_ID: is not set: submit this script as a job array, with submit.sh',
      );
    });

    it('should submit the array, then the report after any end of the whole array, and print both ids', async () => {
      const { experimentDir } = await setUp();
      const bin = join(folder, 'bin');
      await writeFile(join(folder, 'sbatch-count'), '0');
      // Fake sbatch: records its arguments; prints "<id>;<cluster>" the first time (as multi-cluster sites do), "<id>" after.
      const fakeSbatch = [
        '#!/bin/bash',
        `count=$(cat ${JSON.stringify(join(folder, 'sbatch-count'))}); count=$((count + 1)); echo "$count" > ${JSON.stringify(join(folder, 'sbatch-count'))}`,
        `printf '%s\\0' "$@" > ${JSON.stringify(join(folder, 'sbatch-'))}"$count"`,
        'if [ "$count" = 1 ]; then echo "4242;cluster-a"; else echo 4243; fi',
      ].join('\n');
      await mkdir(bin);
      await writeFile(join(bin, 'sbatch'), fakeSbatch, { mode: 0o755 });
      const output = execFileSync('bash', [join(folder, slurmFileNames.submit)], {
        env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
        encoding: 'utf8',
        cwd: tmpdir(),
      });
      const call = async (count: number) =>
        (await readFile(join(folder, `sbatch-${count}`), 'utf8')).split('\0').slice(0, -1);
      expect(await call(1)).toEqual(['--parsable', join(folder, 'runs.sbatch')]);
      expect(await call(2)).toEqual(['--parsable', '--dependency=afterany:4242', join(folder, 'report.sbatch')]);
      expect(output).toContain('runs:   job array 4242 (8 tasks: normfree run --index 0-7)');
      expect(output).toContain('report: job 4243');
      // The status command it prints can be pasted into a shell as it is.
      const status = /^ {8}.*? status (.*)$/m.exec(output)?.[1] ?? '';
      expect(execFileSync('bash', ['-c', `printf '%s' ${status}`], { encoding: 'utf8' })).toBe(experimentDir);
      // sbatch does not create the log folder; submit.sh must.
      expect((await stat(slurmLogFolder(experimentDir))).isDirectory()).toBe(true);
    });
  });

  it.each<[string, Partial<SlurmJobOptions>, string]>([
    [
      'a relative experiment folder',
      { experimentDir: 'runs/exp' },
      `experimentDir "runs/exp" must be an absolute path`,
    ],
    [
      'a newline in the folder',
      { experimentDir: '/scratch/a\nb' },
      'experimentDir "/scratch/a\\nb" holds a control character',
    ],
    [
      'a backslash in the folder',
      { experimentDir: '/scratch/a\\b' },
      `experimentDir '/scratch/a\\b' holds a backslash`,
    ],
    ['no runs', { runs: 0 }, 'runs 0 must be an integer ≥ 1'],
    ['a negative number of runs', { runs: -1 }, 'runs -1 must be an integer ≥ 1'],
    ['a fractional number of runs', { runs: 2.5 }, 'runs 2.5 must be an integer ≥ 1'],
    ['no CPU', { cpusPerTask: 0 }, 'cpusPerTask 0 must be an integer ≥ 1'],
    ['negative GPUs', { gpusPerTask: -1 }, 'gpusPerTask -1 must be an integer ≥ 0'],
    ['a max parallel of 0', { maxParallel: 0 }, 'maxParallel 0 must be an integer ≥ 1'],
    ['a time in words', { time: '90 minutes' }, `time '90 minutes' is not a SLURM time limit`],
    ['a time with four fields', { time: '1:2:3:4' }, `time '1:2:3:4' is not a SLURM time limit`],
    ['a zero time (no limit)', { time: '0:00:00' }, `time '0:00:00' is not a SLURM time limit`],
    ['a time with a unit', { time: '2h' }, `time '2h' is not a SLURM time limit`],
    ['memory in GB', { memory: '16GB' }, `memory '16GB' is not a SLURM memory size`],
    ['fractional memory', { memory: '1.5G' }, `memory '1.5G' is not a SLURM memory size`],
    ['memory 0 (the whole node)', { memory: '0' }, `memory '0' is not a SLURM memory size`],
    ['a job name with a space', { name: 'my runs' }, `name 'my runs' is not a valid job name`],
    ['a job name starting with a dot', { name: '.hidden' }, `name '.hidden' is not a valid job name`],
    ['a partition with a space', { partition: 'gpu long' }, `partition 'gpu long' is not a SLURM partition name`],
    ['a GPU type without GPUs', { gpuType: 'a100' }, `gpuType 'a100' is given but gpusPerTask is 0`],
    [
      'an extra line that is no option',
      { extraSbatch: ['qos=long'] },
      'extraSbatch entry "qos=long" is not one sbatch option',
    ],
    ['--index among the run arguments', { runArguments: ['--index', '2'] }, `runArguments holds '--index'`],
    ['an empty command', { normfreeCommand: [] }, 'normfreeCommand [] must start with a command'],
  ])('should refuse %s, naming the option and the value', (_, change, message) => {
    const attempt = () => emitSlurm({ ...base, ...change });
    expect(attempt).toThrow(ExperimentInputError);
    expect(attempt).toThrow(message);
  });

  it.each(['90', '30:00', '12:00:00', '1-0', '1-12:30', '2-00:00:00', '7-0:0:1'])(
    'should accept the SLURM time %s',
    (time) => {
      expect(directive(sbatchDirectives(file(emitSlurm({ ...base, time }), 'runs.sbatch'), 'modern'), 'time')).toBe(
        time,
      );
    },
  );

  it.each(['4096', '4096M', '16G', '1T', '512k'])('should accept the SLURM memory %s', (memory) => {
    expect(() => emitSlurm({ ...base, memory })).not.toThrow();
  });

  it('should write these scripts for a typical GPU experiment', () => {
    const emitted = emitSlurm({
      ...base,
      experimentDir: '/scratch/me/relu revival',
      maxParallel: 4,
      gpusPerTask: 1,
      partition: 'gpu',
      account: 'proj42',
      setup: ['module load nodejs/20'],
      runArguments: ['--backend', 'wasm'],
    });
    for (const { name, text } of emitted.files) expect(text).toMatchSnapshot(name);
  });
});
