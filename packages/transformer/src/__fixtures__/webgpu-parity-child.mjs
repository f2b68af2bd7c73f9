// Child process of gpt2-parity.webgpu.test.ts: the golden-fixture parity checks on the webgpu
// backend in Node (dawn.node), run with the Vulkan environment the test sets for this process only.
// Uses the built packages (dist/). Prints one JSON line per fixture: for each compared tensor its
// worst |actual − expected| and max|expected| (the test applies the tolerance), then `{"done":…}`.
// Every read is asynchronous: tfjs-backend-webgpu's dataSync() needs OffscreenCanvas, which Node lacks.
import * as tf from '@tensorflow/tfjs-core';
import { releaseBackend, selectBackend } from '@normfree/backend';
import { createModel } from '@normfree/transformer';
import { flatValues, loadReferenceFixture, referenceConfigurationNames } from '@normfree/transformer/testing';

function worst(actual, expected) {
  let scale = 0;
  let error = 0;
  for (let index = 0; index < expected.length; index++) scale = Math.max(scale, Math.abs(expected[index]));
  for (let index = 0; index < expected.length; index++) {
    const difference = Math.abs(actual[index] - expected[index]);
    error = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : Math.max(error, difference);
  }
  return { error: Number.isFinite(error) ? error : 'Infinity', scale, lengths: [actual.length, expected.length] };
}

const started = Date.now();
// NORMFREE_GPU_ADAPTER: the adapter the GPU benchmark was asked for (default: Dawn's choice).
const gpuAdapter = process.env.NORMFREE_GPU_ADAPTER;
const selected = await selectBackend({ prefer: 'webgpu', strict: true, quiet: true, allowSoftwareAdapter: true, ...(gpuAdapter ? { gpuAdapter } : {}) });
const print = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
print({ backend: selected.name, info: selected.info });
for (const name of referenceConfigurationNames) {
  for (const stage of ['init', 'trained']) {
    const fixture = loadReferenceFixture(name, stage);
    const { outputs } = fixture;
    const model = createModel(fixture.config, { seed: 0 });
    model.loadStateDict(fixture.stateDict);
    for (const tensor of fixture.stateDict.values()) tensor.dispose();
    const ids = tf.tensor2d(outputs.input_ids, undefined, 'int32');
    const probabilities = [];
    const logits = model.forward(ids, { training: false, observer: { onAttention: (layer, probs) => { probabilities[layer] = tf.keep(probs.clone()); } } });
    const checks = { logits: worst(await logits.data(), flatValues(outputs.logits)) };
    for (const [layer, expected] of outputs.attention_probs.entries()) checks[`attention layer ${layer}`] = worst(await probabilities[layer].data(), flatValues(expected));
    const variables = model.parameters.map((parameter) => parameter.variable);
    const { value, grads } = tf.variableGrads(() => model.loss(ids, { training: false }), variables);
    checks.loss = worst(await value.data(), [outputs.loss]);
    const missing = Object.keys(outputs.gradients).filter((parameterName) => !model.parameters.some((parameter) => parameter.name === parameterName));
    for (const parameter of model.parameters) checks[`d loss / d ${parameter.name}`] = worst(await grads[parameter.variable.name].data(), flatValues(outputs.gradients[parameter.name]));
    print({ name, stage, checks, missingGradients: missing, gradientCount: Object.keys(outputs.gradients).length, parameterCount: model.parameters.length });
    tf.dispose([logits, ids, value, ...Object.values(grads), ...probabilities]);
    tf.disposeVariables();
    model.dispose();
  }
}
print({ done: true, seconds: (Date.now() - started) / 1000 });
releaseBackend();
