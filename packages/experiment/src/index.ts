/**
 * @normfree/experiment: plans and run settings (browser-safe). Training, folders, executors and
 * reports are Node-only: `@normfree/experiment/node`. The benchmark is `@normfree/bench`.
 */
export { ExperimentInputError, errorMessage, asInputError } from './errors.js';
export { formatDuration } from './format.js';
export { silentProgress, type ExperimentProgress, type RunProgress } from './progress.js';
export type { RunExecutor, RunExecutionContext } from './executor.js';
export {
  planExperiment,
  createRunJob,
  runJob,
  runSpecOf,
  runId,
  runLabel,
  runConfigurationId,
  defaultCorpusName,
  tokenStoreCorpusName,
  type ExperimentData,
  type ExperimentPlan,
  type PlanOptions,
  type PlannedRun,
  type RunJob,
  type RunJobCommon,
  type RunSpec,
  type RunnerManifest,
} from './plan.js';
export {
  createExecutionTarget,
  describeExecutionTarget,
  retarget,
  type ExecutionTarget,
  type ExecutionTargetChange,
  type ExecutionTargetOptions,
} from './execution-target.js';
export {
  overrideFields,
  overridesSchema,
  validateOverrides,
  resolveRunSettings,
  type OverrideField,
  type OverrideValueKind,
  type Overrides,
  type ResolveRunSettingsOptions,
  type RunSettings,
} from './run-settings.js';
export { parseActivationText, listActivations } from '@normfree/activations';
export {
  emitSlurm,
  emitKubernetes,
  defaultJobName,
  shellQuote,
  shellQuoteAll,
  parseQuantity,
  slurmFileNames,
  slurmLogFolder,
  kubernetesFileNames,
  defaultRetriesPerRun,
  type ClusterJobOptions,
  type SlurmJobOptions,
  type KubernetesJobOptions,
  type KubernetesVolume,
  type EmittedFile,
  type EmittedFiles,
} from './emit/index.js';
