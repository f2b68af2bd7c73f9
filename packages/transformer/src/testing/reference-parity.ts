/**
 * One comparison of the model with a reference fixture (the authors' PyTorch outputs): logits,
 * attention probabilities, loss and every parameter gradient, each as the worst |Δ| against the
 * allowed `referenceTolerance.relative · max|expected| + referenceTolerance.absolute`. Shared by the
 * parity tests of this package (cpu, wasm; webgpu through __fixtures__/webgpu-parity-child.mjs, which
 * the GPU benchmark also runs) and of `@normfree/experiment` (wasm with native kernels).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../create-model.js';
import {
  flatValues,
  loadReferenceFixture,
  referenceTolerance,
  type ReferenceConfigurationName,
  type ReferenceStage,
} from './reference-fixture.js';

/** One compared quantity: its name, the worst absolute difference and what the tolerance allows. */
export interface ReferenceComparison {
  readonly what: string;
  readonly error: number;
  readonly allowed: number;
}

/** Worst |actual − expected| (Infinity for a NaN or a length mismatch) and the allowed error. */
export function compareValues(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): ReferenceComparison {
  let scale = 0;
  for (let index = 0; index < expected.length; index++) scale = Math.max(scale, Math.abs(expected[index]!));
  let error = actual.length === expected.length ? 0 : Number.POSITIVE_INFINITY;
  for (let index = 0; index < Math.min(actual.length, expected.length); index++) {
    const difference = Math.abs(actual[index]! - expected[index]!);
    error = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : Math.max(error, difference);
  }
  return { what, error, allowed: referenceTolerance.relative * scale + referenceTolerance.absolute };
}

/**
 * Load the fixture, run the model on the current backend and compare everything it holds. Reads are
 * asynchronous (`data()`), so it also serves backends without synchronous reads (webgpu in Node).
 *
 * @returns every comparison, the parameter names the fixture has gradients for and the model's, and
 *   how many tensors the forward and backward passes left behind (0 when nothing leaks).
 */
export async function compareWithReference(
  name: ReferenceConfigurationName,
  stage: ReferenceStage,
): Promise<{
  readonly comparisons: readonly ReferenceComparison[];
  readonly gradientNames: { readonly fixture: readonly string[]; readonly model: readonly string[] };
  readonly leakedTensors: number;
}> {
  const fixture = loadReferenceFixture(name, stage);
  const { outputs } = fixture;
  const model = createModel(fixture.config, { seed: 0 });
  model.loadStateDict(fixture.stateDict);
  for (const tensor of fixture.stateDict.values()) tensor.dispose();
  const before = tf.memory().numTensors;
  const ids = tf.tensor2d(outputs.input_ids, undefined, 'int32');
  const probabilities: tf.Tensor[] = [];
  const logits = model.forward(ids, {
    training: false,
    observer: {
      onAttention: (layer, probs) => {
        probabilities[layer] = tf.keep(probs.clone());
      },
    }, // read after the pass
  });
  const comparisons: ReferenceComparison[] = [compareValues('logits', await logits.data(), flatValues(outputs.logits))];
  for (const [layer, expected] of outputs.attention_probs.entries()) {
    comparisons.push(
      compareValues(`attention layer ${layer}`, (await probabilities[layer]?.data()) ?? [], flatValues(expected)),
    );
  }
  const variables = model.parameters.map((parameter) => parameter.variable);
  const { value, grads } = tf.variableGrads(() => model.loss(ids, { training: false }), variables);
  // the trained loss (≈0.005) is a log-sum-exp near 0, where float32 rounding is absolute (≈1e-7): same rule as tensors
  comparisons.push(compareValues('loss', await value.data(), [outputs.loss]));
  for (const parameter of model.parameters) {
    const expected = outputs.gradients[parameter.name];
    comparisons.push(
      compareValues(
        `d loss / d ${parameter.name}`,
        await grads[parameter.variable.name]!.data(),
        expected === undefined ? [] : flatValues(expected),
      ),
    );
  }
  tf.dispose([logits, ids, value, ...Object.values(grads), ...probabilities]);
  const leakedTensors = tf.memory().numTensors - before;
  const gradientNames = {
    fixture: Object.keys(outputs.gradients).sort(),
    model: model.parameters.map((parameter) => parameter.name).sort(),
  };
  model.dispose();
  return { comparisons, gradientNames, leakedTensors };
}
