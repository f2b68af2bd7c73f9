import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentInputError } from '../errors.js';
import { defaultJobName, type EmittedFiles } from './cluster-job-options.js';
import { emitKubernetes, kubernetesFileNames, type KubernetesJobOptions } from './emit-kubernetes.js';
import { parseQuantity } from './kubernetes-values.js';

const base: KubernetesJobOptions = {
  experimentDir: '/data/experiments/relu-revival',
  runs: 8,
  cpusPerTask: 4,
  image: 'ghcr.io/example/normfree:0.1.0',
  memory: '16Gi',
  volume: { claimName: 'normfree-experiments', mountPath: '/data' },
};

function file(emitted: EmittedFiles, name: string): string {
  const found = emitted.files.find((candidate) => candidate.name === name);
  if (found === undefined)
    throw new Error(`no file ${name} in ${emitted.files.map((candidate) => candidate.name).join(', ')}`);
  return found.text;
}

/** The two manifests as `kubectl apply` would read them: parsed from the emitted text. */
function manifests(options: KubernetesJobOptions): { runs: IJob; report: IJob } {
  const emitted = emitKubernetes(options);
  return {
    runs: JSON.parse(file(emitted, kubernetesFileNames.runs)) as IJob,
    report: JSON.parse(file(emitted, kubernetesFileNames.report)) as IJob,
  };
}

/** Validate against the batch/v1 Job schema kubernetes-models ships (Kubernetes ~1.33, with backoffLimitPerIndex). */
function validate(manifest: unknown): void {
  new Job(manifest as IJob).validate();
}

function container(job: IJob) {
  const found = job.spec?.template.spec?.containers[0];
  if (found === undefined) throw new Error('no container');
  return found;
}

describe('emitKubernetes', () => {
  it('should emit the runs Job, the report Job and an executable apply.sh', () => {
    expect(emitKubernetes(base).files.map(({ name, executable }) => ({ name, executable }))).toEqual([
      { name: 'runs-job.json', executable: false },
      { name: 'report-job.json', executable: false },
      { name: 'apply.sh', executable: true },
    ]);
  });

  it.each([
    ['plain', base],
    [
      'with GPUs, a namespace and awkward paths',
      {
        ...base,
        experimentDir: '/data/it\'s a "test" $HOME',
        gpusPerTask: 2,
        maxParallel: 3,
        namespace: 'ml-team',
        retriesPerRun: 0,
        normfreeCommand: ['node', '/opt/my tools/bin.js'],
        runArguments: ['--backend', 'wasm'],
      },
    ],
  ] as const)('should emit manifests that the Kubernetes Job schema accepts (%s)', (_, options) => {
    const { runs, report } = manifests(options);
    expect(() => validate(runs)).not.toThrow();
    expect(() => validate(report)).not.toThrow();
  });

  it('should make an Indexed Job of N completions, with a retry budget per run and no restarts in place', () => {
    const { runs } = manifests({ ...base, maxParallel: 3, retriesPerRun: 1 });
    expect(runs.metadata).toEqual({ name: 'normfree-relu-revival' });
    expect(runs.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 8,
      parallelism: 3,
      backoffLimitPerIndex: 1,
      podReplacementPolicy: 'Failed',
      podFailurePolicy: {
        rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
      },
    });
    expect(runs.spec?.template.spec?.restartPolicy).toBe('Never');
    expect(manifests(base).runs.spec?.parallelism).toBe(8);
    expect(manifests(base).runs.spec?.backoffLimitPerIndex).toBe(2);
  });

  it('should run `normfree run <exp>` with the run arguments and no index (Kubernetes sets JOB_COMPLETION_INDEX)', () => {
    const { runs, report } = manifests({
      ...base,
      normfreeCommand: ['npx', 'normfree'],
      runArguments: ['--backend', 'wasm'],
    });
    expect(container(runs).command).toEqual([
      'npx',
      'normfree',
      'run',
      '/data/experiments/relu-revival',
      '--backend',
      'wasm',
    ]);
    expect(container(report).command).toEqual(['npx', 'normfree', 'report', '/data/experiments/relu-revival']);
    expect(container(runs).image).toBe('ghcr.io/example/normfree:0.1.0');
  });

  it('should ask for CPUs and memory as requests equal to limits, and GPUs only when there are some', () => {
    expect(container(manifests(base).runs).resources).toEqual({
      requests: { cpu: '4', memory: '16Gi' },
      limits: { cpu: '4', memory: '16Gi' },
    });
    const withGpus = manifests({ ...base, gpusPerTask: 2 });
    expect(container(withGpus.runs).resources?.limits).toEqual({ cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '2' });
    expect(container(withGpus.report).resources?.limits).toEqual({ cpu: '4', memory: '16Gi' });
  });

  it('should mount the claim at the mount path in both Jobs', () => {
    for (const job of Object.values(manifests(base))) {
      expect(job.spec?.template.spec?.volumes).toEqual([
        { name: 'experiments', persistentVolumeClaim: { claimName: 'normfree-experiments' } },
      ]);
      expect(container(job).volumeMounts).toEqual([{ name: 'experiments', mountPath: '/data' }]);
    }
  });

  it('should name the report Job after the runs Job, in the same namespace', () => {
    const { report } = manifests({ ...base, name: 'paper', namespace: 'ml-team' });
    expect(report.metadata).toEqual({ name: 'paper-report', namespace: 'ml-team' });
    expect(report.spec).toMatchObject({ completions: 1, backoffLimit: 2 });
    expect(report.spec?.completionMode).toBeUndefined();
  });

  describe('the schema check', () => {
    const valid = () => manifests(base).runs;

    it.each<[string, (job: IJob) => void, string]>([
      [
        'a memory that is not a quantity',
        (job) => {
          container(job).resources!.limits!.memory = '16GB';
        },
        'must match format "quantity"',
      ],
      [
        'completions as a string',
        (job) => {
          Object.assign(job.spec!, { completions: '8' });
        },
        'completions must be integer',
      ],
      [
        'an unknown completion mode',
        (job) => {
          Object.assign(job.spec!, { completionMode: 'indexed' });
        },
        'completionMode must be equal to one of the allowed values',
      ],
      [
        'an unknown restart policy',
        (job) => {
          Object.assign(job.spec!.template.spec!, { restartPolicy: 'Sometimes' });
        },
        'restartPolicy must be equal to one of the allowed values',
      ],
    ])('should catch %s', (_, spoil, message) => {
      const job = valid();
      spoil(job);
      expect(() => validate(job)).toThrow(message);
    });

    it('should not catch a negative completions, which is why emitKubernetes checks runs itself', () => {
      // Kubernetes' OpenAPI schemas carry no minimums; the API server checks them in Go, at apply time.
      const job = valid();
      job.spec!.completions = -1;
      expect(() => validate(job)).not.toThrow();
      expect(() => emitKubernetes({ ...base, runs: -1 })).toThrow('runs -1 must be an integer ≥ 1');
    });
  });

  describe('apply.sh, run with a fake kubectl', () => {
    let folder = '';
    beforeEach(async () => {
      folder = await mkdtemp(join(tmpdir(), 'normfree-kubernetes-'));
    });
    afterEach(async () => {
      await rm(folder, { recursive: true, force: true });
    });

    /**
     * Write the files and a fake kubectl that records each call (one line, arguments joined by
     * `|`) and answers `get` with the condition types of `states`, one per call.
     */
    async function run(
      options: KubernetesJobOptions,
      states: readonly string[],
    ): Promise<{ calls: string[][]; output: string }> {
      for (const { name, text, executable } of emitKubernetes(options).files)
        await writeFile(join(folder, name), text, { mode: executable ? 0o755 : 0o644 });
      const bin = join(folder, 'bin');
      await mkdir(bin);
      const log = join(folder, 'calls');
      await writeFile(join(folder, 'states'), states.map((state) => `${state}\n`).join(''));
      await writeFile(
        join(bin, 'kubectl'),
        [
          '#!/bin/bash',
          `(IFS='|'; echo "$*") >> ${JSON.stringify(log)}`,
          'for argument in "$@"; do',
          `  if [ "$argument" = get ]; then head -n 1 ${JSON.stringify(join(folder, 'states'))}; sed -i 1d ${JSON.stringify(join(folder, 'states'))}; fi`,
          'done',
        ].join('\n'),
        { mode: 0o755 },
      );
      const output = execFileSync('bash', [join(folder, kubernetesFileNames.apply)], {
        env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, POLL_SECONDS: '0' },
        encoding: 'utf8',
        cwd: tmpdir(),
      });
      const calls = (await readFile(log, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => line.split('|'));
      return { calls, output };
    }

    it('should apply the runs, poll until the Job has failed, then replace and apply the report Job', async () => {
      // Pending, then a failure on its way (FailureTarget), then Failed: the report must still come.
      const { calls, output } = await run(base, ['', 'FailureTarget', 'FailureTarget Failed']);
      const get = ['get', 'job/normfree-relu-revival', '-o', 'jsonpath={.status.conditions[?(@.status=="True")].type}'];
      expect(calls).toEqual([
        ['apply', '-f', join(folder, 'runs-job.json')],
        get,
        get,
        get,
        ['delete', 'job/normfree-relu-revival-report', '--ignore-not-found'],
        ['apply', '-f', join(folder, 'report-job.json')],
      ]);
      expect(output).toContain('job/normfree-relu-revival: FailureTarget Failed');
    });

    it('should go on to the report as soon as the Job is complete, in the given namespace', async () => {
      const { calls } = await run({ ...base, namespace: 'ml-team' }, ['SuccessCriteriaMet Complete']);
      expect(calls.map((call) => call.slice(0, 3))).toEqual([
        ['--namespace', 'ml-team', 'apply'],
        ['--namespace', 'ml-team', 'get'],
        ['--namespace', 'ml-team', 'delete'],
        ['--namespace', 'ml-team', 'apply'],
      ]);
    });

    it('should be valid bash (bash -n)', () => {
      const check = spawnSync('bash', ['-n'], {
        input: file(emitKubernetes({ ...base, namespace: 'ml-team' }), kubernetesFileNames.apply),
        encoding: 'utf8',
      });
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    });
  });

  it.each<[string, Partial<KubernetesJobOptions>, string]>([
    ['memory in GB', { memory: '16GB' }, `memory '16GB' is not a Kubernetes quantity`],
    ['memory in milli-bytes', { memory: '16m' }, `memory '16m' is less than 1Mi; 'm' means milli`],
    ['memory in bytes by mistake', { memory: '16' }, `memory '16' is less than 1Mi; a number without suffix is bytes`],
    ['a negative memory', { memory: '-1Gi' }, `memory '-1Gi' is not a Kubernetes quantity`],
    ['no image', { image: '' }, 'image "" is not a container image reference'],
    ['an image with a space', { image: 'my image' }, 'image "my image" is not a container image reference'],
    [
      'a claim name with capitals',
      { volume: { claimName: 'My_Claim', mountPath: '/data' } },
      `volume.claimName 'My_Claim' is not a PersistentVolumeClaim name`,
    ],
    [
      'a relative mount path',
      { volume: { claimName: 'c', mountPath: 'data' } },
      `volume.mountPath 'data' must be an absolute path`,
    ],
    [
      'an experiment outside the volume',
      { volume: { claimName: 'c', mountPath: '/mnt' } },
      `experimentDir '/data/experiments/relu-revival' is not inside volume.mountPath '/mnt'`,
    ],
    [
      'an experiment beside the mount path',
      { volume: { claimName: 'c', mountPath: '/data/exp' } },
      `is not inside volume.mountPath '/data/exp'`,
    ],
    ['a namespace with capitals', { namespace: 'ML' }, `namespace 'ML' is not a Kubernetes namespace name`],
    ['a name with capitals', { name: 'Paper' }, `name 'Paper' is not a valid job name: a DNS-1123 label`],
    ['a name ending in -', { name: 'paper-' }, `name 'paper-' is not a valid job name`],
    [
      'a name too long',
      { name: 'x'.repeat(64) },
      `name '${'x'.repeat(64)}' is not a valid job name: a DNS-1123 label: at most 63`,
    ],
    [
      'a name whose report Job is too long',
      { name: 'x'.repeat(57) },
      `report job name '${'x'.repeat(57)}-report' is not a valid job name: a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (it is the name + '-report')`,
    ],
    ['no runs', { runs: 0 }, 'runs 0 must be an integer ≥ 1'],
    ['a parallelism of 0', { maxParallel: 0 }, 'maxParallel 0 must be an integer ≥ 1'],
    ['negative retries', { retriesPerRun: -1 }, 'retriesPerRun -1 must be an integer ≥ 0'],
    ['fractional CPUs', { cpusPerTask: 1.5 }, 'cpusPerTask 1.5 must be an integer ≥ 1'],
  ])('should refuse %s, naming the option and the value', (_, change, message) => {
    const attempt = () => emitKubernetes({ ...base, ...change });
    expect(attempt).toThrow(ExperimentInputError);
    expect(attempt).toThrow(message);
  });

  it('should accept an experiment at the mount path itself, and a mount path with a trailing slash', () => {
    expect(() =>
      emitKubernetes({ ...base, experimentDir: '/data', volume: { claimName: 'c', mountPath: '/data/' } }),
    ).not.toThrow();
  });

  it('should write these manifests for a typical GPU experiment', () => {
    const emitted = emitKubernetes({
      ...base,
      maxParallel: 4,
      gpusPerTask: 1,
      namespace: 'ml-team',
      runArguments: ['--backend', 'wasm'],
    });
    for (const { name, text } of emitted.files) expect(text).toMatchSnapshot(name);
  });
});

describe('defaultJobName', () => {
  it.each([
    ['/data/experiments/relu-revival', 'normfree-relu-revival'],
    ['/scratch/me/ReLU Revival (paper)/', 'normfree-relu-revival-paper'],
    ['/runs/2025-01-05', 'normfree-2025-01-05'],
    ['/runs/___', 'normfree'],
    [`/runs/${'long-name-'.repeat(10)}`, 'normfree-long-name-long-name-long-name-long-name-long-na'], // cut to 56: room for -report,
  ])('should derive a name both schedulers accept from %j', (experimentDir, name) => {
    expect(defaultJobName(experimentDir)).toBe(name);
    expect(`${name}-report`.length).toBeLessThanOrEqual(63);
    expect(() => emitKubernetes({ ...base, experimentDir: '/data/x', name })).not.toThrow();
  });
});

describe('parseQuantity', () => {
  it.each([
    ['16Gi', 16 * 2 ** 30],
    ['4096Mi', 4 * 2 ** 30],
    ['16G', 16e9],
    ['500m', 0.5],
    ['1.5', 1.5],
    ['.5Ki', 512],
    ['1e3', 1000],
    ['2E', 2e18],
  ])('should read %s as %d base units', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 6);
  });

  it.each(['16GB', '16 Gi', 'Gi', '', '1.2.3', '-1', '16gi', '1e'])('should refuse %j', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});
