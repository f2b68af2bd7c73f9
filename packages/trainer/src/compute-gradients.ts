/**
 * Loss and gradients of one optimizer step over its micro-batches (gradient accumulation): each
 * micro-batch's mean loss is divided by the number of micro-batches before its backward pass, and
 * the gradients are summed, as the HF Trainer does, so K micro-batches of B equal one batch of K·B.
 *
 * References: paper-reference §5.2 (micro-batch 128, accumulation 4).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Batch, LanguageModel } from '@normfree/core';
import { definedFields } from '@normfree/core';

export interface ComputeGradientsOptions {
  /** Forward in training mode (embedding dropout on) or eval mode. */
  readonly training: boolean;
  /** One dropout seed per micro-batch (see `dropoutSeed`); omitted: the model draws fresh seeds. */
  readonly dropoutSeeds?: readonly number[];
}

export interface StepGradients {
  /** Mean of the micro-batch losses. Caller owns it. */
  readonly loss: tf.Scalar;
  /**
   * Summed gradients of (micro-batch loss / micro-batches), by parameter name. Parameters the loss
   * does not reach are absent (PyTorch's `grad is None`). Caller owns these tensors.
   */
  readonly gradients: Map<string, tf.Tensor>;
}

/** A batch as an int32 (B, T) tensor. Caller owns the returned tensor. */
export function batchTensor(batch: Batch): tf.Tensor2D {
  return tf.tensor2d(batch.inputIds, [batch.batchSize, batch.seqLen], 'int32'); // (B, T)
}

/**
 * Forward and backward passes over `batches` (one optimizer step's micro-batches).
 *
 * @param model - the model; gradients are taken with respect to `model.parameters`.
 * @param batches - K ≥ 1 micro-batches.
 * @returns the mean loss and the accumulated gradients; caller owns every returned tensor.
 *   Intermediate activations are freed after each micro-batch, so memory holds one micro-batch's
 *   activations plus one set of gradients.
 */
export function computeGradients(
  model: LanguageModel,
  batches: readonly Batch[],
  options: ComputeGradientsOptions,
): StepGradients {
  if (batches.length === 0) throw new RangeError('computeGradients: needs at least one micro-batch, got 0');
  if (options.dropoutSeeds !== undefined && options.dropoutSeeds.length !== batches.length) {
    throw new RangeError(
      `computeGradients: ${options.dropoutSeeds.length} dropout seeds for ${batches.length} micro-batches`,
    );
  }
  const variables = model.parameters.map((parameter) => parameter.variable);
  const nameOfVariable = new Map(model.parameters.map((parameter) => [parameter.variable.name, parameter.name]));
  const scale = 1 / batches.length;
  let lossSum: tf.Scalar | undefined;
  let sums = new Map<string, tf.Tensor>();
  batches.forEach((batch, index) => {
    const seed = options.dropoutSeeds?.[index];
    const previous = sums;
    const previousLoss = lossSum;
    const names: string[] = [];
    // tidy keeps tensors in arrays/objects (not Maps): return them as an array in `names` order
    const result = tf.tidy(() => {
      const ids = batchTensor(batch); // (B, T)
      const { value, grads } = tf.variableGrads(
        () =>
          tf.mul(
            model.loss(ids, { training: options.training, ...definedFields({ dropoutSeed: seed }) }),
            scale,
          ) as tf.Scalar,
        variables,
      );
      const summed: tf.Tensor[] = [];
      for (const [variableName, gradient] of Object.entries(grads)) {
        const name = nameOfVariable.get(variableName);
        if (name === undefined) continue;
        const before = previous.get(name);
        names.push(name);
        summed.push(before === undefined ? gradient : tf.add(before, gradient));
      }
      for (const [name, before] of previous) {
        if (!names.includes(name)) {
          names.push(name);
          summed.push(tf.clone(before));
        }
      }
      return { loss: (previousLoss === undefined ? value : tf.add(previousLoss, value)) as tf.Scalar, summed };
    });
    tf.dispose([...previous.values()]);
    previousLoss?.dispose();
    lossSum = result.loss;
    sums = new Map(names.map((name, position) => [name, result.summed[position]!]));
  });
  // loss sum of (loss_k / K) is already the mean over micro-batches
  return { loss: lossSum!, gradients: sums };
}
