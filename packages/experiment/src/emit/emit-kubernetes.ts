/**
 * The Kubernetes manifests of an experiment: an Indexed Job with one completion per planned run, a
 * report Job, and `apply.sh`, which applies the first, waits until it has finished, then applies
 * the second. Text only; the caller writes the three files into one folder.
 *
 * Choices, each also explained where it is written:
 * - `completionMode: Indexed`: Kubernetes gives each pod its index in `JOB_COMPLETION_INDEX`, which
 *   `normfree run <exp>` reads when `--index` is not given.
 * - `restartPolicy: Never` with `backoffLimitPerIndex`: a failed run is retried in a new pod (on
 *   any node, so a bad node is not retried forever as with `OnFailure`; the failed pod's logs
 *   stay readable), each run with its own retry budget, so one broken run cannot use up the
 *   retries of the others (one Job-wide `backoffLimit` would, and then fail the whole Job).
 *   `backoffLimitPerIndex` needs `Never`.
 * - `podFailurePolicy` ignores disruptions (preemption, node drain, eviction: the `DisruptionTarget`
 *   condition): the replacement pod resumes the run from its checkpoint without using a retry,
 *   as SLURM's `--requeue` does.
 * - `podReplacementPolicy: Failed`: a replacement starts only once the old pod has fully stopped,
 *   so two processes never write one run folder (`TerminatingOrFailed` would overlap them).
 * - requests = limits for CPU and memory (QoS class Guaranteed): hours-long runs are the last pods
 *   the kubelet evicts under memory pressure, and get the CPUs they were timed with.
 * - Kubernetes ≥ 1.29: `backoffLimitPerIndex` and `podReplacementPolicy` are beta and on by default
 *   there (GA in 1.33 and 1.34). A 1.28 API server drops both (alpha, off): one Job-wide
 *   `backoffLimit` of 6 applies, and replacements may overlap; older ones reject the manifest.
 * - JSON, not YAML: `kubectl apply -f` reads both, JSON is YAML 1.2, and `JSON.stringify` needs no
 *   dependency and has no quoting pitfalls (YAML 1.1 reads a bare `no` as false).
 * - Kubernetes cannot start one Job after another; `apply.sh` is that dependency. It waits for the
 *   Job's `Complete` *or* `Failed` condition: `kubectl wait --for=condition=complete` alone would
 *   block forever once one run has failed, and the report should list failed runs too.
 *
 * References:
 * 1. Jobs: Indexed completion mode, backoff limit per index, pod failure policy, pod replacement
 *    policy. https://kubernetes.io/docs/concepts/workloads/controllers/job/
 * 2. KEP-3850, Backoff Limit Per Index (restartPolicy Never only; beta 1.29, GA 1.33).
 *    https://github.com/kubernetes/enhancements/tree/master/keps/sig-apps/3850-backoff-limits-per-index-for-indexed-jobs
 * 3. Pod QoS classes. https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/
 * 4. Schedule GPUs (`nvidia.com/gpu` in limits only). https://kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/
 */
// Type-only and erased at build time (kubernetes-models is a devDependency): the manifests are
// typed against the real Job schema, so a misspelt field fails `tsc`, which the schema check in
// the tests cannot see (Kubernetes' schemas allow unknown fields).
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { ExperimentInputError } from '../errors.js';
import {
  checkInteger,
  resolveClusterJobOptions,
  type ClusterJobOptions,
  type EmittedFiles,
  type ResolvedClusterJobOptions,
} from './cluster-job-options.js';
import { isDnsLabel, isDnsSubdomain, parseQuantity } from './kubernetes-values.js';
import { shellQuote } from './shell-quote.js';
import { definedFields } from '@normfree/core';

export interface KubernetesVolume {
  /** The PersistentVolumeClaim that holds the experiment folder (ReadWriteMany when runs may land on different nodes). */
  readonly claimName: string;
  /** Where it is mounted in the container; `experimentDir` must be this folder or inside it. */
  readonly mountPath: string;
}

export interface KubernetesJobOptions extends ClusterJobOptions {
  /** The container image: one with Node and `normfree` installed (`normfreeCommand` runs in it). */
  readonly image: string;
  /** Memory of each run, a Kubernetes quantity: `16Gi`, `4096Mi` (`16G` is 16·10⁹ bytes). The report Job gets the same. */
  readonly memory: string;
  /** The volume holding the experiment folder; `experimentDir` is the folder's path inside the container. */
  readonly volume: KubernetesVolume;
  /** Namespace of both Jobs; default the kubectl context's. */
  readonly namespace?: string | undefined;
  /** How often one run may fail and be retried (`spec.backoffLimitPerIndex`); default 2. Disruptions do not count. */
  readonly retriesPerRun?: number | undefined;
}

/** The files `emitKubernetes` returns, in this order. */
export const kubernetesFileNames = { runs: 'runs-job.json', report: 'report-job.json', apply: 'apply.sh' } as const;

/** Default of `retriesPerRun`: enough for a transient failure (an image pull, a flaky node), not for a broken run. */
export const defaultRetriesPerRun = 2;

const kubernetesNameRule = {
  test: isDnsLabel,
  // ≤ 63, not DNS-1123 subdomain's 253: a Job's name is also its pods' `job-name` label value.
  description:
    "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
};
const volumeName = 'experiments';
const containerName = 'normfree';

/**
 * The Job manifests and `apply.sh` of an experiment.
 *
 * @param options - see {@link KubernetesJobOptions}; `experimentDir` as the container sees it.
 * @returns `runs-job.json` (the Indexed Job), `report-job.json`, and `apply.sh` (executable), to be
 *   written into one folder; `bash apply.sh` applies the runs, waits, then applies the report.
 * @throws ExperimentInputError naming the option and the value, for any value the API server
 *   would refuse or misread (a memory of `16m` is 0.016 bytes).
 */
export function emitKubernetes(options: KubernetesJobOptions): EmittedFiles {
  const job = resolveClusterJobOptions(options, kubernetesNameRule);
  const { image, memory, volume, namespace } = options;
  if (typeof image !== 'string' || image === '' || /\s/.test(image)) {
    throw new ExperimentInputError(
      `image ${JSON.stringify(image)} is not a container image reference (e.g. ghcr.io/me/normfree:1.0)`,
    );
  }
  checkMemoryQuantity(memory);
  if (!isDnsSubdomain(volume.claimName)) {
    throw new ExperimentInputError(
      `volume.claimName '${volume.claimName}' is not a PersistentVolumeClaim name (lowercase letters, digits, '-' and '.', at most 253)`,
    );
  }
  const mountPath = volume.mountPath.length > 1 ? volume.mountPath.replace(/\/+$/, '') : volume.mountPath;
  if (!mountPath.startsWith('/'))
    throw new ExperimentInputError(`volume.mountPath '${volume.mountPath}' must be an absolute path in the container`);
  const inside = mountPath === '/' || job.experimentDir === mountPath || job.experimentDir.startsWith(`${mountPath}/`);
  if (!inside) {
    throw new ExperimentInputError(
      `experimentDir '${job.experimentDir}' is not inside volume.mountPath '${mountPath}'; the experiment folder must be on the mounted volume (e.g. ${mountPath}/<experiment>)`,
    );
  }
  if (namespace !== undefined && !isDnsLabel(namespace)) {
    throw new ExperimentInputError(
      `namespace '${namespace}' is not a Kubernetes namespace name (a DNS-1123 label: lowercase letters, digits and '-', at most 63)`,
    );
  }
  const retriesPerRun =
    options.retriesPerRun === undefined
      ? defaultRetriesPerRun
      : checkInteger('retriesPerRun', options.retriesPerRun, 0);

  const pod = { job, image, memory, claimName: volume.claimName, mountPath };
  const runsJob: IJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.name, ...definedFields({ namespace }) },
    spec: {
      completionMode: 'Indexed',
      completions: job.runs,
      parallelism: job.maxParallel ?? job.runs,
      backoffLimitPerIndex: retriesPerRun,
      podFailurePolicy: {
        rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
      },
      podReplacementPolicy: 'Failed',
      template: podTemplate({ ...pod, args: ['run', job.experimentDir, ...job.runArguments], gpus: job.gpusPerTask }),
    },
  };
  const reportJob: IJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: job.reportName, ...definedFields({ namespace }) },
    spec: {
      completions: 1,
      backoffLimit: retriesPerRun,
      template: podTemplate({ ...pod, args: ['report', job.experimentDir], gpus: 0 }),
    },
  };

  return {
    files: [
      { name: kubernetesFileNames.runs, text: `${JSON.stringify(runsJob, null, 2)}\n`, executable: false },
      { name: kubernetesFileNames.report, text: `${JSON.stringify(reportJob, null, 2)}\n`, executable: false },
      { name: kubernetesFileNames.apply, text: applyScript(job, namespace), executable: true },
    ],
  };
}

/** One pod: the normfree container with its resources, on the experiment volume. */
function podTemplate(options: {
  readonly job: ResolvedClusterJobOptions;
  readonly image: string;
  readonly memory: string;
  readonly claimName: string;
  readonly mountPath: string;
  readonly args: readonly string[];
  readonly gpus: number;
}): NonNullable<IJob['spec']>['template'] {
  const requests = { cpu: String(options.job.cpusPerTask), memory: options.memory };
  return {
    spec: {
      // Never, not OnFailure: a retry gets a new pod, possibly on another node (see the header).
      restartPolicy: 'Never',
      containers: [
        {
          name: containerName,
          image: options.image,
          command: [...options.job.normfreeCommand, ...options.args],
          resources: {
            requests,
            // GPUs (an extended resource) are given in limits only; requests default to them.
            limits: { ...requests, ...(options.gpus === 0 ? {} : { 'nvidia.com/gpu': String(options.gpus) }) },
          },
          volumeMounts: [{ name: volumeName, mountPath: options.mountPath }],
        },
      ],
      volumes: [{ name: volumeName, persistentVolumeClaim: { claimName: options.claimName } }],
    },
  };
}

/**
 * A memory quantity of at least 1 MiB. Smaller is always a slip: a bare number is bytes (`16`),
 * and `m` is milli (`16m` = 0.016 bytes), not mega.
 */
function checkMemoryQuantity(memory: string): void {
  const bytes = parseQuantity(memory);
  if (bytes === undefined) {
    throw new ExperimentInputError(
      `memory '${memory}' is not a Kubernetes quantity (e.g. 16Gi, 4096Mi; suffixes Ki Mi Gi Ti Pi Ei or k M G T P E)`,
    );
  }
  if (bytes < 2 ** 20) {
    const hint = memory.endsWith('m')
      ? `; 'm' means milli (${memory} is ${bytes} bytes), write ${memory.slice(0, -1)}Mi`
      : `; a number without suffix is bytes, write e.g. ${memory}Gi`;
    throw new ExperimentInputError(`memory '${memory}' is less than 1Mi${hint}`);
  }
}

/** `apply.sh`: the runs Job, a wait for its end (complete or failed), then the report Job. */
function applyScript(job: ResolvedClusterJobOptions, namespace: string | undefined): string {
  const kubectl = namespace === undefined ? 'kubectl' : `kubectl --namespace ${shellQuote(namespace)}`;
  const runsJob = `job/${job.name}`;
  const reportJob = `job/${job.reportName}`;
  return `${[
    '#!/usr/bin/env bash',
    `# normfree: run an experiment on Kubernetes: apply the Indexed Job of its ${job.runs} run${job.runs === 1 ? '' : 's'} (${kubernetesFileNames.runs}),`,
    `# wait until it has finished, then apply the report Job (${kubernetesFileNames.report}). Kubernetes cannot`,
    '# start one Job after another; this script is that dependency. Stopping it (Ctrl-C) leaves the runs',
    '# going; run it again to wait and report.',
    `# Experiment: ${job.experimentDir} (in the container)`,
    'set -euo pipefail',
    'here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)',
    'poll_seconds=${POLL_SECONDS:-30}',
    '',
    `${kubectl} apply -f "$here/${kubernetesFileNames.runs}"`,
    `echo "waiting for ${runsJob} to finish (every \${poll_seconds}s)"`,
    '# Complete or Failed: `kubectl wait --for=condition=complete` would wait forever once a run has',
    '# failed, and the report should list failed runs too. A failed poll (API hiccup) polls again.',
    'while :; do',
    `  state=$(${kubectl} get ${runsJob} -o 'jsonpath={.status.conditions[?(@.status=="True")].type}') || state=''`,
    '  case " $state " in *" Complete "* | *" Failed "*) break ;; esac',
    '  sleep "$poll_seconds"',
    'done',
    `echo "${runsJob}: $state"`,
    '',
    '# A report Job left from an earlier pass would stay "unchanged" and not run again.',
    `${kubectl} delete ${reportJob} --ignore-not-found`,
    `${kubectl} apply -f "$here/${kubernetesFileNames.report}"`,
    `echo "report: ${reportJob} (kubectl logs -f ${reportJob})"`,
  ].join('\n')}\n`;
}
