/** @normfree/experiment/node: run experiments on this machine (Node only). */
export {
  runExperiment,
  prepareExperiment,
  trainPlannedJob,
  failureMarkPath,
  describeSummary,
  type ExperimentResult,
  type RunExperimentOptions,
  type RunOutcome,
  type TrainPlannedJobOptions,
} from './run-experiment.js';
export {
  runPlannedRun,
  selectPlannedJob,
  experimentStatus,
  arrayIndexVariables,
  type RunSelector,
  type RunPlannedRunOptions,
  type PlannedRunState,
  type PlannedRunStatus,
} from './planned-run.js';
export { readPlan, writePlanFile, planFileName, planFileVersion } from './plan-file.js';
export {
  acquireRunLock,
  readRunLock,
  runLockPath,
  locksFolderName,
  type RunLock,
  type RunLockInfo,
  type RunLockOptions,
  type RunLockOwner,
} from './run-lock.js';
export { createInProcessExecutor } from './in-process-executor.js';
export { createForkExecutor, defaultWorkerPath } from './fork-executor.js';
export {
  loadTokenizerVocabSize,
  describeTokenStore,
  loadStoreSources,
  loadDefaultStoreSources,
  type RunSources,
  type RunSourcesOptions,
} from './dataset.js';
export { activationModuleUrl, loadActivationModule, loadActivationModules } from './activation-modules.js';
export {
  enableNativeKernels,
  checkNativeKernels,
  backendLabel,
  type EnableNativeKernelsOptions,
  type NativeKernelsCheck,
  type NativeKernelsSummary,
} from './native-kernels.js';
export { handleInterrupts, type InterruptHandle } from './interrupt.js';
export {
  manifestFileName,
  folderKind,
  readManifest,
  manifestDifferences,
  prepareExperimentDirectory,
  defaultOutDir,
  dateStamp,
  readRunSummary,
  readRunState,
  listRunFolders,
  type RunState,
} from './experiment-folder.js';
export { writeExperimentReport, writeRunsReport, runStatusTable, type WrittenReport } from './report.js';
export { nodeBackendNames } from '@normfree/backend';
export { writeClusterFiles } from './cluster-files.js';
