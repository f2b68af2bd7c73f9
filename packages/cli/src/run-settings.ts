/**
 * Preset + configuration + command-line overrides → the model and training settings of one run,
 * validated with zod at the boundary (style.md §3.7): an impossible combination is a UsageError whose
 * message names the numbers, e.g. `nEmbd 64 is not divisible by nHead 3`.
 */
import { z } from 'zod';
import {
  configurationActivation,
  getExperimentConfiguration,
  getPreset,
  resolveModelConfig,
  validateTrainingOptions,
  type ActivationSchedule,
  type ModelConfigInput,
  type NormType,
  type Preset,
  type TrainingOptions,
} from '@normfree/core';
import { UsageError, errorMessage } from './errors.js';

const positiveInteger = z.number().int().positive();
const activationSpec = z.looseObject({ kind: z.string() });

/** What the command line may change on top of a preset (every field optional). */
export const overridesSchema = z
  .object({
    steps: positiveInteger.optional(),
    batchSize: positiveInteger.optional(),
    gradientAccumulation: positiveInteger.optional(),
    learningRate: z.number().positive().finite().optional(),
    evalEvery: positiveInteger.optional(),
    entropyEvery: positiveInteger.optional(),
    evalWindows: z.number().int().nonnegative().optional(),
    checkpointEvery: z.number().int().nonnegative().optional(),
    nLayer: positiveInteger.optional(),
    nHead: positiveInteger.optional(),
    nEmbd: positiveInteger.optional(),
    blockSize: positiveInteger.optional(),
    norm: z.enum(['layernorm', 'none']).optional(),
    activation: z.union([activationSpec, z.array(activationSpec).min(1)]).optional(),
    fp16Overflow: z.boolean().optional(),
  })
  .strict();

export type Overrides = z.infer<typeof overridesSchema>;

/** The model dimensions a run needs, after overrides (checked before anything is trained). */
const modelDimensionsSchema = z
  .object({ nLayer: positiveInteger, nHead: positiveInteger, nEmbd: positiveInteger, blockSize: positiveInteger, nPositions: positiveInteger.optional() })
  .superRefine((model, context) => {
    if (model.nEmbd % model.nHead !== 0) {
      context.addIssue({ code: 'custom', path: ['nEmbd'], message: `nEmbd ${model.nEmbd} is not divisible by nHead ${model.nHead}` });
    }
    if (model.nPositions !== undefined && model.nPositions < model.blockSize) {
      context.addIssue({ code: 'custom', path: ['blockSize'], message: `blockSize ${model.blockSize} exceeds the position table's ${model.nPositions} rows (nPositions)` });
    }
  });

/** Model settings without vocabSize (the tokenizer fixes it when the data is loaded). */
export type RunModelSettings = Omit<ModelConfigInput, 'vocabSize'> & { readonly norm: NormType; readonly activation: ActivationSchedule };

export interface RunSettings {
  readonly model: RunModelSettings;
  readonly training: TrainingOptions;
}

/** Vocabulary size of a preset's tokenizer, used only to validate the model before data is loaded. */
export function tokenizerVocabSize(tokenizer: Preset['tokenizer']): number {
  return tokenizer === 'gpt2' ? 50_257 : 4096;
}

function describe(where: string, issues: readonly z.core.$ZodIssue[]): string {
  return `${where}: ${issues.map((issue) => issue.message).join('; ')}`;
}

/** Check overrides coming from code (the command line's parsers already produce valid ones). */
export function validateOverrides(overrides: unknown): Overrides {
  const parsed = overridesSchema.safeParse(overrides);
  if (!parsed.success) throw new UsageError(z.prettifyError(parsed.error));
  return parsed.data;
}

/**
 * Resolve one run's settings.
 *
 * @param options.preset - a core preset name.
 * @param options.configuration - a core configuration id (fixes norm and activation unless overridden).
 * @param options.seed - the run's seed (init, dropout, data order).
 * @param options.overrides - command-line overrides.
 */
export function resolveRunSettings(options: { preset: string; configuration: string; seed: number; overrides: Overrides }): RunSettings {
  const preset = getPreset(options.preset);
  const configuration = getExperimentConfiguration(options.configuration);
  const overrides = validateOverrides(options.overrides);
  const where = `preset '${preset.name}', configuration '${configuration.id}'`;

  const dimensions = modelDimensionsSchema.safeParse({
    nLayer: overrides.nLayer ?? preset.model.nLayer,
    nHead: overrides.nHead ?? preset.model.nHead,
    nEmbd: overrides.nEmbd ?? preset.model.nEmbd,
    blockSize: overrides.blockSize ?? preset.model.blockSize,
    ...('nPositions' in preset.model && preset.model.nPositions !== undefined ? { nPositions: preset.model.nPositions } : {}),
  });
  if (!dimensions.success) throw new UsageError(describe(where, dimensions.error.issues));

  // A model width given without an FFN width gets the authors' 4·d, not the preset's.
  const { nInner: presetInner, ...presetModel } = preset.model as ModelConfigInput;
  const nInner = overrides.nEmbd === undefined ? presetInner : undefined;
  const { nPositions, ...checked } = dimensions.data;
  const model: RunModelSettings = {
    ...presetModel,
    ...checked,
    ...(nPositions === undefined ? {} : { nPositions }),
    ...(nInner === undefined ? {} : { nInner }),
    norm: overrides.norm ?? configuration.norm,
    activation: (overrides.activation as ActivationSchedule | undefined) ?? configurationActivation(configuration, dimensions.data.nLayer),
  };
  try {
    resolveModelConfig({ ...model, vocabSize: tokenizerVocabSize(preset.tokenizer) });
  } catch (error) {
    throw new UsageError(`${where}: ${errorMessage(error)}`);
  }

  const evalEvery = overrides.evalEvery ?? preset.training.evalEvery;
  const training: TrainingOptions = {
    ...preset.training,
    seed: options.seed,
    // Checkpoints at the evaluation cadence unless the preset says otherwise, so an interrupted run
    // resumes close to where it stopped (core's default, 0, checkpoints only at the end).
    checkpointEvery: overrides.checkpointEvery ?? (preset.training.checkpointEvery > 0 ? preset.training.checkpointEvery : evalEvery),
    ...(overrides.steps === undefined ? {} : { steps: overrides.steps }),
    ...(overrides.batchSize === undefined ? {} : { microBatchSize: overrides.batchSize }),
    ...(overrides.gradientAccumulation === undefined ? {} : { gradientAccumulation: overrides.gradientAccumulation }),
    ...(overrides.learningRate === undefined ? {} : { learningRate: overrides.learningRate }),
    ...(overrides.evalEvery === undefined ? {} : { evalEvery: overrides.evalEvery }),
    ...(overrides.entropyEvery === undefined ? {} : { entropyEvery: overrides.entropyEvery }),
    ...(overrides.evalWindows === undefined ? {} : { evalWindows: overrides.evalWindows }),
    ...(overrides.fp16Overflow === undefined ? {} : { fp16AttentionOverflow: overrides.fp16Overflow }),
  };
  try {
    validateTrainingOptions(training);
  } catch (error) {
    throw new UsageError(`${where}: ${errorMessage(error)}`);
  }
  return { model, training };
}
