export { createLearningRateSchedule, scheduleFromTrainingOptions, warmupStepCount } from './learning-rate-schedule.js';
export type { LearningRateSchedule, LearningRateScheduleOptions } from './learning-rate-schedule.js';
export { createAdamW, adamWOptionsFrom } from './adamw.js';
export type { AdamW, AdamWOptions, OptimizerStateValues } from './adamw.js';
export { clipGradientsByGlobalNorm } from './clip-gradients.js';
export type { ClippedGradients } from './clip-gradients.js';
export { computeGradients, batchTensor } from './compute-gradients.js';
export type { ComputeGradientsOptions, StepGradients } from './compute-gradients.js';
export { dropoutSeed } from './dropout-seed.js';
export { evaluate } from './evaluate.js';
export type { EvaluateOptions, EvaluationResult } from './evaluate.js';
export { optimizerStep } from './optimizer-step.js';
export type { OptimizerStepInput, OptimizerStepResult } from './optimizer-step.js';
export { train } from './train.js';
export type { TrainArguments, TrainOutcome } from './train.js';
export {
  encodeCheckpoint,
  decodeCheckpoint,
  loadModelTensors,
  checkpointFormat,
  CheckpointError,
} from './checkpoint.js';
export type { EncodeCheckpointOptions, DecodedCheckpoint, RunConfigurationLabel } from './checkpoint.js';
export {
  runFileNames,
  runDirectoryName,
  formatRunJson,
  parseRunJson,
  parseRunConfig,
  parseFinalEntropy,
  formatRunLogLine,
  formatRunLogs,
  parseRunLogs,
  buildRunSummary,
  parseRunSummary,
  runDataFrom,
  runConfigDifferences,
  comparableRunData,
  RunFileError,
} from './run-files.js';
export type { RunConfigFile, RunDataIdentity, ParseRunLogsOptions, BuildRunSummaryInput } from './run-files.js';
