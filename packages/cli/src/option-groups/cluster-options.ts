/**
 * The cluster flags of `reproduce --emit slurm|k8s`: what each job of the array asks of the
 * scheduler, and how it calls normfree. The scripts themselves are @normfree/experiment's
 * `emitSlurm` / `emitKubernetes`.
 */
import { Option, type Command } from 'commander';
import { parseNonNegativeInteger, parsePositiveInteger } from '../option-parsers.js';

/** The cluster flags as commander hands them to an action. */
export interface ClusterFlags {
  emit?: 'slurm' | 'k8s';
  normfreeCommand?: string;
  cpusPerTask?: number;
  gpusPerTask?: number;
  memory?: string;
  time?: string;
  partition?: string;
  account?: string;
  maxParallel?: number;
  setup?: string[];
  image?: string;
  volumeClaim?: string;
  mountPath?: string;
  namespace?: string;
}

/** Add `--emit` and the scheduler flags to `command`. */
export function addClusterOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--emit <scheduler>',
        'with the plan, write the job scripts of a cluster scheduler into <out>/slurm or <out>/kubernetes ' +
          '(implies --plan-only)',
      ).choices(['slurm', 'k8s']),
    )
    .option(
      '--normfree-command <words>',
      'how the cluster jobs call normfree (default: normfree, as installed by npm), e.g. "npx normfree"',
    )
    .option('--cpus-per-task <n>', 'CPUs of each run (cluster jobs; default 1)', parsePositiveInteger)
    .option('--gpus-per-task <n>', 'GPUs of each run (cluster jobs; default 0)', parseNonNegativeInteger)
    .option('--memory <size>', 'memory of each run: SLURM 16G / Kubernetes 16Gi (default 8G / 8Gi)')
    .option('--time <limit>', 'SLURM time limit of each run, e.g. 12:00:00 (default 24:00:00)')
    .option('--partition <name>', 'SLURM partition')
    .option('--account <name>', 'SLURM account')
    .option(
      '--max-parallel <n>',
      'runs at the same time on the cluster (SLURM %n, Kubernetes parallelism; default all)',
      parsePositiveInteger,
    )
    .option('--setup <line...>', 'SLURM: shell lines run before normfree in each job, e.g. "module load nodejs/20"')
    .option('--image <image>', 'Kubernetes: the container image with normfree installed')
    .option('--volume-claim <name>', 'Kubernetes: the PersistentVolumeClaim that holds the experiment folder')
    .option(
      '--mount-path <path>',
      'Kubernetes: where the claim is mounted in the container (default: the parent of --out)',
    )
    .option('--namespace <name>', 'Kubernetes namespace');
}

/**
 * The cluster flags as `reproduceCommand`'s `emit` options: `--normfree-command` split into words,
 * unset ones left out.
 */
export function clusterOptionsFrom(
  flags: ClusterFlags,
): Omit<ClusterFlags, 'emit' | 'normfreeCommand'> & { normfreeCommand?: string[] } {
  const { emit: _emit, normfreeCommand, ...rest } = flags;
  const words = normfreeCommand
    ?.trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  return {
    ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    ...(words === undefined || words.length === 0 ? {} : { normfreeCommand: words }),
  };
}
