/**
 * What the SLURM and Kubernetes emitters share: the experiment, its number of runs, the job's name,
 * how to call `normfree`, and per-task CPUs and GPUs; checked once here, so both emitters refuse
 * the same bad values with the same messages.
 *
 * Memory and time limits are not shared: SLURM's `16G` means 16 GiB, a Kubernetes `16G` means
 * 16·10⁹ bytes, and Kubernetes Jobs have no wall-time limit of the same meaning; each emitter's
 * options name and check their own.
 */
import { describeValue } from '@normfree/core';
import { ExperimentInputError } from '../errors.js';

/** One file an emitter produces. Emitters do no I/O: the caller writes the files, all in one folder. */
export interface EmittedFile {
  /** A bare file name; the scripts find each other in the folder they are written to. */
  readonly name: string;
  readonly text: string;
  /** Write it with the executable bit (mode 0o755): `submit.sh`, `apply.sh`. */
  readonly executable: boolean;
}

export interface EmittedFiles {
  readonly files: readonly EmittedFile[];
}

/** The options both cluster emitters take (see `SlurmJobOptions`, `KubernetesJobOptions`). */
export interface ClusterJobOptions {
  /**
   * The experiment folder as the process that runs `normfree` sees it: on the compute nodes
   * (SLURM) or inside the container (Kubernetes). Absolute; it must already hold `experiment.json`.
   */
  readonly experimentDir: string;
  /** N, the number of planned runs: tasks 0…N−1 each train one (`normfree run <exp> --index i`). */
  readonly runs: number;
  /**
   * The job's name; the report job is `<name>-report`. Default: `normfree-<experiment folder
   * name>`, lowercased, other characters turned into `-`, cut so that both names fit in 63.
   */
  readonly name?: string | undefined;
  /**
   * The `normfree` command as words, default `['normfree']` (the installed bin). E.g.
   * `['npx', 'normfree']` or `['node', '/opt/normfree/node_modules/@normfree/cli/dist/bin.js']`.
   */
  readonly normfreeCommand?: readonly string[] | undefined;
  /**
   * Arguments appended to every `normfree run`: the run options a plan does not carry, e.g.
   * `['--backend', 'wasm']`. Passed literally (quoted): `$VAR` is not expanded.
   */
  readonly runArguments?: readonly string[] | undefined;
  /** At most this many runs at once; default all N. */
  readonly maxParallel?: number | undefined;
  /** CPU cores per run (the report job gets as many). */
  readonly cpusPerTask: number;
  /** GPUs per run, default 0. The report job gets none. */
  readonly gpusPerTask?: number | undefined;
}

/** `ClusterJobOptions` checked, with defaults filled in. */
export interface ResolvedClusterJobOptions {
  /** Without a trailing `/`. */
  readonly experimentDir: string;
  readonly runs: number;
  readonly name: string;
  readonly reportName: string;
  readonly normfreeCommand: readonly string[];
  readonly runArguments: readonly string[];
  readonly maxParallel: number | undefined;
  readonly cpusPerTask: number;
  readonly gpusPerTask: number;
}

/** Longest Kubernetes Job name: it is also the value of its pods' `job-name` label, ≤ 63 characters. */
export const maxJobNameLength = 63;
export const reportSuffix = '-report';

/**
 * The default job name of an experiment folder: `normfree-<folder name>`, lowercased, every run of
 * other characters made one `-`, cut so that `<name>-report` still fits in 63 characters. Valid
 * for SLURM and as a Kubernetes name (DNS-1123 label).
 *
 * @example
 * defaultJobName('/scratch/me/ReLU Revival (paper)'); // => 'normfree-relu-revival-paper'
 */
export function defaultJobName(experimentDir: string): string {
  const folder = experimentDir.replace(/\/+$/, '').split('/').at(-1) ?? '';
  const slug = folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const name = slug === '' ? 'normfree' : `normfree-${slug}`;
  return name.slice(0, maxJobNameLength - reportSuffix.length).replace(/-+$/, '');
}

/**
 * Check the shared options and fill in the defaults.
 * @param nameRule - the scheduler's rule for a job name, and its description for the message.
 * @throws ExperimentInputError naming the option and the value.
 */
export function resolveClusterJobOptions(
  options: ClusterJobOptions,
  nameRule: { readonly test: (name: string) => boolean; readonly description: string },
): ResolvedClusterJobOptions {
  const { experimentDir } = options;
  if (typeof experimentDir !== 'string' || !experimentDir.startsWith('/')) {
    throw new ExperimentInputError(
      `experimentDir ${JSON.stringify(experimentDir)} must be an absolute path, as the cluster's nodes (or the container) see the experiment folder`,
    );
  }
  // Control characters would end a `#SBATCH` or comment line early; no real folder has them.
  if (/[\u0000-\u001f\u007f]/.test(experimentDir)) {
    throw new ExperimentInputError(
      `experimentDir ${JSON.stringify(experimentDir)} holds a control character (newline, tab, …); move the experiment to a plainer path`,
    );
  }
  const runs = checkInteger('runs', options.runs, 1, 'an experiment plans at least one run');
  const maxParallel =
    options.maxParallel === undefined ? undefined : checkInteger('maxParallel', options.maxParallel, 1);
  const cpusPerTask = checkInteger('cpusPerTask', options.cpusPerTask, 1);
  const gpusPerTask = options.gpusPerTask === undefined ? 0 : checkInteger('gpusPerTask', options.gpusPerTask, 0);

  const trimmedDir = experimentDir.length > 1 ? experimentDir.replace(/\/+$/, '') : experimentDir;
  const name = options.name ?? defaultJobName(trimmedDir);
  const reportName = `${name}${reportSuffix}`;
  for (const [what, value] of [
    ['name', name],
    ['report job name', reportName],
  ] as const) {
    if (!nameRule.test(value)) {
      throw new ExperimentInputError(
        `${what} '${value}' is not a valid job name: ${nameRule.description}${what === 'name' ? '' : ` (it is the name + '${reportSuffix}')`}`,
      );
    }
  }

  const normfreeCommand = options.normfreeCommand ?? ['normfree'];
  if (normfreeCommand.length === 0 || normfreeCommand[0] === '') {
    throw new ExperimentInputError(
      `normfreeCommand ${JSON.stringify(normfreeCommand)} must start with a command, e.g. ['normfree'] or ['npx', 'normfree']`,
    );
  }
  const runArguments = options.runArguments ?? [];
  for (const [what, words] of [
    ['normfreeCommand', normfreeCommand],
    ['runArguments', runArguments],
  ] as const) {
    const bad = words.find((word) => typeof word !== 'string' || word.includes('\0'));
    if (bad !== undefined)
      throw new ExperimentInputError(
        `${what} holds ${JSON.stringify(bad)}, which cannot be a command-line argument (not a string, or a NUL character)`,
      );
  }
  const index = runArguments.find((word) => word === '--index' || word.startsWith('--index='));
  if (index !== undefined) {
    throw new ExperimentInputError(
      `runArguments holds '${index}'; the scheduler gives each task its index (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX), so leave it out`,
    );
  }
  return {
    experimentDir: trimmedDir,
    runs,
    name,
    reportName,
    normfreeCommand: [...normfreeCommand],
    runArguments: [...runArguments],
    maxParallel,
    cpusPerTask,
    gpusPerTask,
  };
}

/** `value` as an integer ≥ `minimum`, or an ExperimentInputError naming `option`. */
export function checkInteger(option: string, value: number, minimum: number, why?: string): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ExperimentInputError(
      `${option} ${describeValue(value)} must be an integer ≥ ${minimum}${why === undefined ? '' : ` (${why})`}`,
    );
  }
  return value;
}
