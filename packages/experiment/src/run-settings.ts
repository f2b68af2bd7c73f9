/**
 * Preset + configuration + overrides → the model and training settings of one run, resolved and
 * validated once, with the tokenizer's real vocabulary (the job then carries a complete
 * `ModelConfig` that `createModel` takes as is).
 *
 * {@link overrideFields} is the one list of what may be changed on top of a preset: the CLI builds
 * its flags from it, the zod schema below is derived from it, and {@link resolveRunSettings} applies
 * it. A new override is one row here plus one line where it is applied.
 */
import { z } from 'zod';
import {
  configurationActivation,
  getExperimentConfiguration,
  getPreset,
  resolveModelConfig,
  validateTrainingOptions,
  type ActivationSchedule,
  type ModelConfig,
  type ModelConfigInput,
  type NormType,
  type TrainingOptions,
  definedFields,
} from '@normfree/core';
import { ExperimentInputError, errorMessage } from './errors.js';

/** How an override's value is written and checked. */
export type OverrideValueKind =
  'positive-integer' | 'non-negative-integer' | 'positive-number' | 'flag' | 'norm' | 'activation';

/** One thing a run may override: its key in {@link Overrides}, its command-line flag, its help. */
export interface OverrideField {
  readonly key: keyof Overrides;
  /** The flag in commander's syntax, e.g. `--grad-accum <n>`; a `flag` kind takes no value. */
  readonly flag: string;
  readonly description: string;
  readonly value: OverrideValueKind;
}

const positiveInteger = z.number().int().positive();
const activationSpec = z.looseObject({ kind: z.string().min(1) });
const valueSchemas = {
  'positive-integer': positiveInteger,
  'non-negative-integer': z.number().int().nonnegative(),
  'positive-number': z.number().positive().finite(),
  flag: z.boolean(),
  norm: z.enum(['layernorm', 'none']),
  activation: z.union([activationSpec, z.array(activationSpec).min(1)]),
} as const satisfies Record<OverrideValueKind, z.ZodType>;

/** What may be changed on top of a preset (every field optional). */
export interface Overrides {
  readonly steps?: number;
  readonly batchSize?: number;
  readonly gradientAccumulation?: number;
  readonly learningRate?: number;
  readonly evalEvery?: number;
  readonly entropyEvery?: number;
  readonly evalWindows?: number;
  readonly checkpointEvery?: number;
  readonly nLayer?: number;
  readonly nHead?: number;
  readonly nEmbd?: number;
  readonly blockSize?: number;
  readonly fp16Overflow?: boolean;
  readonly norm?: NormType;
  readonly activation?: ActivationSchedule;
}

export const overrideFields: readonly OverrideField[] = [
  {
    key: 'steps',
    flag: '--steps <n>',
    description: 'optimizer steps (overrides the preset)',
    value: 'positive-integer',
  },
  { key: 'batchSize', flag: '--batch-size <n>', description: 'sequences per micro-batch', value: 'positive-integer' },
  {
    key: 'gradientAccumulation',
    flag: '--grad-accum <n>',
    description: 'micro-batches per optimizer step',
    value: 'positive-integer',
  },
  { key: 'learningRate', flag: '--lr <rate>', description: 'peak learning rate', value: 'positive-number' },
  { key: 'evalEvery', flag: '--eval-every <n>', description: 'evaluate every n steps', value: 'positive-integer' },
  {
    key: 'entropyEvery',
    flag: '--entropy-every <n>',
    description: 'log head entropy / NaN counts / slopes every n steps',
    value: 'positive-integer',
  },
  {
    key: 'evalWindows',
    flag: '--eval-windows <n>',
    description: 'validation windows per evaluation (0 = all)',
    value: 'non-negative-integer',
  },
  {
    key: 'checkpointEvery',
    flag: '--checkpoint-every <n>',
    description: 'save a checkpoint every n steps (default: the eval cadence; 0 = only at the end)',
    value: 'non-negative-integer',
  },
  { key: 'nLayer', flag: '--n-layer <n>', description: 'transformer blocks', value: 'positive-integer' },
  {
    key: 'nHead',
    flag: '--n-head <n>',
    description: 'attention heads (must divide --n-embd)',
    value: 'positive-integer',
  },
  { key: 'nEmbd', flag: '--n-embd <n>', description: 'model width d', value: 'positive-integer' },
  { key: 'blockSize', flag: '--block-size <n>', description: 'context length T', value: 'positive-integer' },
  {
    key: 'fp16Overflow',
    flag: '--fp16-overflow',
    description: "emulate fp16 overflow of attention logits (the paper's NaNs, paper-reference §7)",
    value: 'flag',
  },
  {
    key: 'norm',
    flag: '--norm <type>',
    description: "override the configuration's norm: layernorm (ln) | none (free)",
    value: 'norm',
  },
  {
    key: 'activation',
    flag: '--activation <spec>',
    description:
      'override the activation: gelu | gelu-tanh | relu | identity | leaky-relu:<slope> | learnable-leaky-relu:<per-layer|global|global-authors>[:<init>] | a registered plug-in kind | a per-layer schedule like gelu*2+relu*2',
    value: 'activation',
  },
];

/** The zod schema of {@link Overrides}, derived from {@link overrideFields}. */
export const overridesSchema = z
  .object(Object.fromEntries(overrideFields.map((field) => [field.key, valueSchemas[field.value].optional()])))
  .strict();

/** Check overrides coming from code or a file; the message names the field and the value. */
export function validateOverrides(overrides: unknown): Overrides {
  const parsed = overridesSchema.safeParse(overrides);
  if (!parsed.success) throw new ExperimentInputError(`overrides: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The model dimensions a run needs, after overrides (checked before anything is trained). */
const modelDimensionsSchema = z
  .object({
    nLayer: positiveInteger,
    nHead: positiveInteger,
    nEmbd: positiveInteger,
    blockSize: positiveInteger,
    nPositions: positiveInteger.optional(),
  })
  .superRefine((model, context) => {
    if (model.nEmbd % model.nHead !== 0) {
      context.addIssue({
        code: 'custom',
        path: ['nEmbd'],
        message: `nEmbd ${model.nEmbd} is not divisible by nHead ${model.nHead}`,
      });
    }
    if (model.nPositions !== undefined && model.nPositions < model.blockSize) {
      context.addIssue({
        code: 'custom',
        path: ['blockSize'],
        message: `blockSize ${model.blockSize} exceeds the position table's ${model.nPositions} rows (nPositions)`,
      });
    }
  });

export interface RunSettings {
  /** The complete model configuration, validated (`createModel` takes it as is). */
  readonly model: ModelConfig;
  readonly training: TrainingOptions;
}

export interface ResolveRunSettingsOptions {
  /** A core preset name. */
  readonly preset: string;
  /** A core configuration id (fixes norm and activation unless overridden). */
  readonly configuration: string;
  /** The run's seed (init, dropout, data order). */
  readonly seed: number;
  readonly overrides: Overrides;
  /** The vocabulary of the tokenizer the run trains with (e.g. 4096 for the embedded BPE). */
  readonly vocabSize: number;
}

/**
 * Resolve one run's settings.
 * @throws ExperimentInputError naming the preset, configuration and offending numbers.
 */
export function resolveRunSettings(options: ResolveRunSettingsOptions): RunSettings {
  const preset = getPreset(options.preset);
  const configuration = getExperimentConfiguration(options.configuration);
  const overrides = validateOverrides(options.overrides);
  const where = `preset '${preset.name}', configuration '${configuration.id}'`;

  const dimensions = modelDimensionsSchema.safeParse({
    nLayer: overrides.nLayer ?? preset.model.nLayer,
    nHead: overrides.nHead ?? preset.model.nHead,
    nEmbd: overrides.nEmbd ?? preset.model.nEmbd,
    blockSize: overrides.blockSize ?? preset.model.blockSize,
    ...definedFields({ nPositions: preset.model.nPositions }),
  });
  if (!dimensions.success)
    throw new ExperimentInputError(`${where}: ${dimensions.error.issues.map((issue) => issue.message).join('; ')}`);

  // A model width given without an FFN width gets the authors' 4·d, not the preset's.
  const { nInner: presetInner, ...presetModel } = preset.model;
  const nInner = overrides.nEmbd === undefined ? presetInner : undefined;
  const { nPositions, ...checked } = dimensions.data;
  const input: ModelConfigInput = {
    ...presetModel,
    ...checked,
    vocabSize: options.vocabSize,
    ...definedFields({ nPositions, nInner }),
    norm: overrides.norm ?? configuration.norm,
    activation: overrides.activation ?? configurationActivation(configuration, dimensions.data.nLayer),
  };
  let model: ModelConfig;
  try {
    model = resolveModelConfig(input);
  } catch (error) {
    throw new ExperimentInputError(`${where}: ${errorMessage(error)}`);
  }

  const evalEvery = overrides.evalEvery ?? preset.training.evalEvery;
  const training: TrainingOptions = {
    ...preset.training,
    seed: options.seed,
    // Checkpoints at the evaluation cadence unless the preset says otherwise, so an interrupted run
    // resumes close to where it stopped (core's default, 0, checkpoints only at the end).
    checkpointEvery:
      overrides.checkpointEvery ?? (preset.training.checkpointEvery > 0 ? preset.training.checkpointEvery : evalEvery),
    ...definedFields({
      steps: overrides.steps,
      microBatchSize: overrides.batchSize,
      gradientAccumulation: overrides.gradientAccumulation,
      learningRate: overrides.learningRate,
      evalEvery: overrides.evalEvery,
      entropyEvery: overrides.entropyEvery,
      evalWindows: overrides.evalWindows,
      fp16AttentionOverflow: overrides.fp16Overflow,
    }),
  };
  try {
    validateTrainingOptions(training);
  } catch (error) {
    throw new ExperimentInputError(`${where}: ${errorMessage(error)}`);
  }
  return { model, training };
}
