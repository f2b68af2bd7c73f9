/**
 * Checkpoints as safetensors (core's codec): the model's state dict under its PyTorch names, the
 * optimizer moments as `optimizer.m.<name>` / `optimizer.v.<name>`, and header metadata with the
 * model config, training options, step and optimizer rule. Pure bytes in and out (browser-safe);
 * writing the file is `@normfree/trainer/node`'s job.
 *
 * A file written by the reference (the fixtures' `*.safetensors`: state-dict tensors, no optimizer,
 * other metadata) decodes too: its tensors load into a model, step 0, no optimizer state.
 *
 * The JSON metadata entries are checked with the run files' `zod/mini` schemas (run-file-schemas.ts);
 * errors name the source, the entry, the field and the value.
 *
 * References: toolchain.md §10.4 (format); ARCHITECTURE rule 4 (PyTorch names).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  decodeSafetensors,
  encodeSafetensors,
  float32Tensor,
  tensorValues,
  type LanguageModel,
  type ModelConfig,
  type OptimizerRule,
  type SafetensorsTensor,
  type TrainingOptions,
  definedFields,
  formatSchemaError,
} from '@normfree/core';
import type { ZodMiniType } from 'zod/mini';
import type { AdamW, OptimizerStateValues } from './adamw.js';
import { configurationLabelSchema, modelConfigMetadataSchema, trainingMetadataSchema } from './run-file-schemas.js';

/** `__metadata__.format` of checkpoints written here. */
export const checkpointFormat = 'normfree-checkpoint';

const firstMomentPrefix = 'optimizer.m.';
const secondMomentPrefix = 'optimizer.v.';

/** A run's configuration id and paper label, e.g. `{ id: 'sm-g', label: 'SM+G' }`. */
export interface RunConfigurationLabel {
  readonly id: string;
  readonly label: string;
}

export interface EncodeCheckpointOptions {
  readonly model: LanguageModel;
  /** Optimizer steps completed. */
  readonly step: number;
  readonly optimizer?: AdamW;
  readonly training?: TrainingOptions;
  readonly configuration?: RunConfigurationLabel;
}

export interface DecodedCheckpoint {
  /** Optimizer steps completed (0 for a file without normfree metadata). */
  readonly step: number;
  readonly modelConfig?: ModelConfig;
  readonly training?: TrainingOptions;
  readonly configuration?: RunConfigurationLabel;
  /** The state-dict tensors (everything not under `optimizer.`). */
  readonly modelTensors: ReadonlyMap<string, SafetensorsTensor>;
  /** Present when the file holds optimizer moments. */
  readonly optimizer?: OptimizerStateValues;
  /** The raw `__metadata__` strings. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A checkpoint whose content does not fit; the message names the source and the problem. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

async function toSafetensor(tensor: tf.Tensor): Promise<SafetensorsTensor> {
  if (tensor.dtype === 'float32') return float32Tensor((await tensor.data()) as Float32Array, tensor.shape);
  if (tensor.dtype === 'int32') {
    const values = (await tensor.data()) as Int32Array;
    return {
      dtype: 'I32',
      shape: tensor.shape,
      bytes: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
    };
  }
  throw new CheckpointError(`checkpoint: cannot store a ${tensor.dtype} tensor of shape [${tensor.shape.join(', ')}]`);
}

/**
 * Encode a model (and optimizer) as safetensors bytes. Reads every tensor with `data()`.
 *
 * @returns the file's bytes; no tensors are created or kept.
 */
export async function encodeCheckpoint(options: EncodeCheckpointOptions): Promise<Uint8Array> {
  const entries: [string, SafetensorsTensor][] = [];
  for (const [name, tensor] of options.model.stateDict()) entries.push([name, await toSafetensor(tensor)]);
  const metadata: Record<string, string> = {
    format: checkpointFormat,
    version: '1',
    step: String(options.step),
    config: JSON.stringify(options.model.config),
  };
  if (options.training !== undefined) metadata['training'] = JSON.stringify(options.training);
  if (options.configuration !== undefined) metadata['configuration'] = JSON.stringify(options.configuration);
  if (options.optimizer !== undefined) {
    const state = await options.optimizer.exportState();
    metadata['optimizer'] = state.rule;
    metadata['optimizer_step'] = String(state.step);
    for (const [name, tensor] of state.firstMoments) entries.push([firstMomentPrefix + name, tensor]);
    for (const [name, tensor] of state.secondMoments) entries.push([secondMomentPrefix + name, tensor]);
  }
  return encodeSafetensors(entries, metadata);
}

/**
 * Decode checkpoint bytes (ours, or a reference state-dict file).
 *
 * @param source - a name for error messages, e.g. the file path.
 */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): DecodedCheckpoint {
  const file = decodeSafetensors(bytes, source);
  const metadata = file.metadata;
  const ours = metadata['format'] === checkpointFormat;
  // A metadata entry holding JSON, checked against its schema; errors name `<source> metadata '<key>'`.
  const parse = <T>(key: string, schema: ZodMiniType<T>): T | undefined => {
    const text = metadata[key];
    if (!ours || text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CheckpointError(`${source}: metadata '${key}' is not valid JSON (${(error as Error).message})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CheckpointError(formatSchemaError(parsed.error, json, `${source} metadata '${key}'`));
    }
    return parsed.data;
  };
  const modelTensors = new Map<string, SafetensorsTensor>();
  const firstMoments = new Map<string, SafetensorsTensor>();
  const secondMoments = new Map<string, SafetensorsTensor>();
  for (const [name, tensor] of file.tensors) {
    if (name.startsWith(firstMomentPrefix)) firstMoments.set(name.slice(firstMomentPrefix.length), tensor);
    else if (name.startsWith(secondMomentPrefix)) secondMoments.set(name.slice(secondMomentPrefix.length), tensor);
    else modelTensors.set(name, tensor);
  }
  const step = ours ? Number(metadata['step'] ?? '0') : 0;
  // Not checkInteger: the value is parsed from text, and the message quotes the text as stored.
  if (!Number.isInteger(step) || step < 0)
    throw new CheckpointError(
      `${source}: metadata 'step' must be an integer ≥ 0, got ${JSON.stringify(metadata['step'])}`,
    );
  const rule = metadata['optimizer'] as OptimizerRule | undefined;
  let optimizer: OptimizerStateValues | undefined;
  if (ours && rule !== undefined) {
    if (rule !== 'adamw-hf' && rule !== 'adamw-torch')
      throw new CheckpointError(
        `${source}: metadata 'optimizer' must be 'adamw-hf' or 'adamw-torch', got ${JSON.stringify(rule)}`,
      );
    const optimizerStep = Number(metadata['optimizer_step'] ?? String(step));
    if (!Number.isInteger(optimizerStep) || optimizerStep < 0)
      throw new CheckpointError(
        `${source}: metadata 'optimizer_step' must be an integer ≥ 0, got ${JSON.stringify(metadata['optimizer_step'])}`,
      );
    optimizer = { rule, step: optimizerStep, firstMoments, secondMoments };
  }
  const modelConfig = parse('config', modelConfigMetadataSchema);
  const training = parse('training', trainingMetadataSchema);
  const configuration: RunConfigurationLabel | undefined = parse('configuration', configurationLabelSchema);
  return {
    step,
    modelTensors,
    metadata,
    ...definedFields({ modelConfig, training, configuration, optimizer }),
  };
}

/**
 * Load state-dict tensors (e.g. `decodeCheckpoint(bytes).modelTensors`) into a model with
 * `model.loadStateDict`. Temporary tensors are disposed.
 *
 * @param options.strict - passed to `loadStateDict` (default: the model's default).
 */
export function loadModelTensors(
  model: LanguageModel,
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  options: { strict?: boolean } = {},
): void {
  const values = new Map<string, tf.Tensor>();
  try {
    for (const [name, tensor] of tensors) {
      const data = tensorValues(tensor);
      const dtype = tensor.dtype === 'I32' || tensor.dtype === 'I64' ? 'int32' : 'float32';
      values.set(
        name,
        tf.tensor(data instanceof Float64Array ? Float32Array.from(data) : data, [...tensor.shape], dtype),
      );
    }
    model.loadStateDict(values, options);
  } finally {
    tf.dispose([...values.values()]);
  }
}
