/**
 * The SLURM scripts of an experiment: a job array with one task per planned run, a report job,
 * and `submit.sh`, which queues the array and then the report with a dependency on the whole array.
 * Text only; the caller writes the three files into one folder (the CLI: `<exp>/slurm/`).
 *
 * Choices, each also explained where it is written:
 * - GPUs as `--gres=gpu:[type:]N`, not `--gpus-per-task=N`: with one task per array element both
 *   ask for the same thing, and `--gres` works on every SLURM version and with both resource
 *   selection plugins, while `--gpus-per-task` needs `select/cons_tres` (SLURM ≥ 19.05).
 * - `--requeue` plus `--open-mode=append`: a task requeued after a node failure or preemption
 *   resumes its run from the checkpoint (`normfree run` resumes), and appends to its log instead
 *   of truncating the first attempt's.
 * - `exec normfree …`: SLURM's SIGTERM (scancel, preemption, time limit) reaches normfree itself,
 *   which stops after the current step with a checkpoint; the task's exit status is normfree's.
 * - `--dependency=afterany:<array>`: the report runs when every task has ended, however it ended,
 *   so it also lists the failed runs (`afterok` would never start it after one failure).
 *
 * References:
 * 1. sbatch(1): `--array`, `--dependency`, `--parsable`, `--requeue`, `--open-mode`, filename
 *    patterns (`%A`, `%a`, `%j`). https://slurm.schedmd.com/sbatch.html
 * 2. SLURM job arrays: a dependency on the array's job id waits for all of its tasks.
 *    https://slurm.schedmd.com/job_array.html
 * 3. SLURM GPU scheduling (`--gres` vs `--gpus-per-task`, cons_tres). https://slurm.schedmd.com/gres.html
 */
import { ExperimentInputError } from '../errors.js';
import { resolveClusterJobOptions, type ClusterJobOptions, type EmittedFiles } from './cluster-job-options.js';
import { shellQuote, shellQuoteAll } from './shell-quote.js';
import { isSlurmMemory, isSlurmTime, sbatchQuote, slurmFilenameLiteral } from './slurm-values.js';

export interface SlurmJobOptions extends ClusterJobOptions {
  /** Wall-time limit of each run, in a SLURM form: `90` (minutes), `12:00:00`, `1-12:00:00`. The report job gets the same. */
  readonly time: string;
  /** Memory of each run (`--mem`), SLURM units: `16G` (GiB), `4096M`; no suffix means megabytes. The report job gets the same. */
  readonly memory: string;
  /** Partition (`--partition`); default the cluster's. A comma list lets SLURM pick. */
  readonly partition?: string | undefined;
  /** Account to charge (`--account`); default the user's. */
  readonly account?: string | undefined;
  /** GPU type of the site's `gres.conf` (`a100` → `--gres=gpu:a100:N`); needs `gpusPerTask` ≥ 1. */
  readonly gpuType?: string | undefined;
  /**
   * More `#SBATCH` options for both jobs, one per entry, written as given (sbatch's quoting, not
   * bash's): `['--qos=long', '--constraint=avx512']`.
   */
  readonly extraSbatch?: readonly string[] | undefined;
  /** Shell lines both jobs run before `normfree`, e.g. `['module load nodejs/20']`. */
  readonly setup?: readonly string[] | undefined;
}

/** The files `emitSlurm` returns, in this order. */
export const slurmFileNames = { runs: 'runs.sbatch', report: 'report.sbatch', submit: 'submit.sh' } as const;

/** Where the jobs write their logs: `<exp>/slurm/logs` (submit.sh creates it; sbatch does not). */
export function slurmLogFolder(experimentDir: string): string {
  return `${experimentDir.replace(/\/+$/, '')}/slurm/logs`;
}

const slurmNameRule = {
  test: (name: string) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name),
  description: 'letters, digits, `.`, `_` and `-`, starting with a letter or digit',
};
const siteName = /^[A-Za-z0-9_.+-]+$/;

/**
 * The sbatch scripts and `submit.sh` of an experiment.
 *
 * @param options - see {@link SlurmJobOptions}; `experimentDir` as the compute nodes see it.
 * @returns `runs.sbatch` (the job array), `report.sbatch`, and `submit.sh` (executable), to be
 *   written into one folder; `bash submit.sh` queues both and prints their job ids.
 * @throws ExperimentInputError naming the option and the value, for any value SLURM would refuse
 *   or misread.
 */
export function emitSlurm(options: SlurmJobOptions): EmittedFiles {
  const job = resolveClusterJobOptions(options, slurmNameRule);
  const { time, memory, partition, account, gpuType } = options;
  if (job.experimentDir.includes('\\')) {
    // sbatch(1): a `\` anywhere in a --output pattern turns off %A/%a, so every task would share one log.
    throw new ExperimentInputError(
      `experimentDir '${job.experimentDir}' holds a backslash, which makes sbatch ignore %A and %a in log file names; move the experiment to a path without one`,
    );
  }
  if (!isSlurmTime(time)) {
    throw new ExperimentInputError(
      `time '${time}' is not a SLURM time limit: minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes or days-hours:minutes:seconds (e.g. 90, 12:00:00, 1-12:00:00), and not zero`,
    );
  }
  if (!isSlurmMemory(memory)) {
    throw new ExperimentInputError(
      `memory '${memory}' is not a SLURM memory size: a positive whole number with an optional K, M, G or T (e.g. 16G, 4096M; no suffix means megabytes, no decimals)`,
    );
  }
  for (const [option, value] of [
    ['partition', partition],
    ['account', account],
    ['gpuType', gpuType],
  ] as const) {
    const valid =
      value === undefined ||
      (option === 'partition' ? value.split(',').every((part) => siteName.test(part)) : siteName.test(value));
    if (!valid)
      throw new ExperimentInputError(
        `${option} '${value}' is not a SLURM ${option === 'gpuType' ? 'GPU type' : `${option} name`} (letters, digits, '_', '.', '+', '-'${option === 'partition' ? '; several joined by commas' : ''})`,
      );
  }
  if (gpuType !== undefined && job.gpusPerTask === 0) {
    throw new ExperimentInputError(
      `gpuType '${gpuType}' is given but gpusPerTask is 0; set gpusPerTask to the number of '${gpuType}' GPUs per run`,
    );
  }
  const extraSbatch = options.extraSbatch ?? [];
  for (const line of extraSbatch) {
    if (!/^--?[A-Za-z]/.test(line) || /[\u0000-\u001f]/.test(line)) {
      throw new ExperimentInputError(
        `extraSbatch entry ${JSON.stringify(line)} is not one sbatch option on one line (e.g. '--qos=long')`,
      );
    }
  }
  const setup = options.setup ?? [];

  const exp = job.experimentDir;
  const logs = slurmLogFolder(exp);
  const logPattern = (file: string): string => sbatchQuote(`${slurmFilenameLiteral(logs)}/${file}`);
  const normfree = shellQuoteAll(job.normfreeCommand);
  const lastIndex = job.runs - 1;
  const resources = [
    '--ntasks=1',
    `--cpus-per-task=${job.cpusPerTask}`,
    `--mem=${memory}`,
    `--time=${time}`,
    ...(partition === undefined ? [] : [`--partition=${partition}`]),
    ...(account === undefined ? [] : [`--account=${account}`]),
  ];
  const setupBlock =
    setup.length === 0
      ? []
      : [
          '',
          '# Environment. `set +u` around it: module and conda scripts read variables that may be unset.',
          'set +u',
          ...setup,
          'set -u',
        ];
  const directives = (lines: readonly string[]): string[] => lines.map((line) => `#SBATCH ${line}`);

  const runsScript = [
    '#!/bin/bash',
    `# normfree: the ${job.runs} run${job.runs === 1 ? '' : 's'} of an experiment, one SLURM array task each; queue it with`,
    '# submit.sh (next to this file), which also queues the report. Task i trains planned run i; a task',
    '# requeued after a node failure or preemption resumes the run from its checkpoint, and appends to',
    "# its log (--open-mode=append) instead of overwriting the first attempt's.",
    `# Experiment: ${exp}`,
    ...directives([
      `--job-name=${job.name}`,
      `--array=0-${lastIndex}${job.maxParallel === undefined ? '' : `%${job.maxParallel}`}`,
      ...resources,
      // --gres, not --gpus-per-task: see the header.
      ...(job.gpusPerTask === 0 ? [] : [`--gres=gpu:${gpuType === undefined ? '' : `${gpuType}:`}${job.gpusPerTask}`]),
      `--output=${logPattern('run-%A_%a.out')}`,
      `--error=${logPattern('run-%A_%a.err')}`,
      '--open-mode=append',
      '--requeue',
      ...extraSbatch,
    ]),
    'set -euo pipefail',
    ...setupBlock,
    '',
    ': "${SLURM_ARRAY_TASK_ID:?is not set: submit this script as a job array, with submit.sh}"',
    "# exec: SLURM's SIGTERM (scancel, preemption, time limit) reaches normfree itself, which stops after",
    "# the current step with a checkpoint; and the task's exit status is normfree's.",
    `exec ${normfree} run ${shellQuote(exp)} --index "$SLURM_ARRAY_TASK_ID"${job.runArguments.length === 0 ? '' : ` ${shellQuoteAll(job.runArguments)}`}`,
  ];

  const reportScript = [
    '#!/bin/bash',
    '# normfree: the report of an experiment. submit.sh queues it to start once every run task has',
    '# ended, completed or not (afterany), so that the report also lists the runs that failed.',
    `# Experiment: ${exp}`,
    ...directives([
      `--job-name=${job.reportName}`,
      ...resources,
      `--output=${logPattern('report-%j.out')}`,
      `--error=${logPattern('report-%j.err')}`,
      ...extraSbatch,
    ]),
    'set -euo pipefail',
    ...setupBlock,
    '',
    `exec ${normfree} report ${shellQuote(exp)}`,
  ];

  const submitScript = [
    '#!/usr/bin/env bash',
    '# normfree: queue an experiment on SLURM: its runs as one job array (runs.sbatch), then its',
    '# report (report.sbatch), which starts once every task of the array has ended.',
    'set -euo pipefail',
    'here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)',
    `experiment=${shellQuote(exp)}`,
    '# sbatch does not create the folder of --output, and a task that cannot open its log fails at once.',
    'mkdir -p "$experiment/slurm/logs"',
    '',
    '# --parsable prints "<job id>" or "<job id>;<cluster>".',
    `runs_job=$(sbatch --parsable "$here/${slurmFileNames.runs}")`,
    'runs_job=${runs_job%%;*}',
    `echo "runs:   job array $runs_job (${job.runs} task${job.runs === 1 ? '' : 's'}: normfree run --index 0-${lastIndex})"`,
    '# afterany, not afterok: the report should come even when some runs failed, and list them.',
    `report_job=$(sbatch --parsable --dependency="afterany:$runs_job" "$here/${slurmFileNames.report}")`,
    'report_job=${report_job%%;*}',
    'echo "report: job $report_job (starts when every task of $runs_job has ended)"',
    'echo "follow: squeue -j $runs_job,$report_job"',
    `printf '        %s status %q\\n' ${shellQuote(normfree)} "$experiment"`,
  ];

  return {
    files: [
      { name: slurmFileNames.runs, text: lines(runsScript), executable: false },
      { name: slurmFileNames.report, text: lines(reportScript), executable: false },
      { name: slurmFileNames.submit, text: lines(submitScript), executable: true },
    ],
  };
}

function lines(text: readonly string[]): string {
  return `${text.join('\n')}\n`;
}
