/** Cluster job files for an experiment's runs (SLURM, Kubernetes): text only, the caller writes them. */
export { emitSlurm, slurmFileNames, slurmLogFolder, type SlurmJobOptions } from './emit-slurm.js';
export {
  emitKubernetes,
  kubernetesFileNames,
  defaultRetriesPerRun,
  type KubernetesJobOptions,
  type KubernetesVolume,
} from './emit-kubernetes.js';
export { defaultJobName, type ClusterJobOptions, type EmittedFile, type EmittedFiles } from './cluster-job-options.js';
export { shellQuote, shellQuoteAll } from './shell-quote.js';
export { parseQuantity } from './kubernetes-values.js';
