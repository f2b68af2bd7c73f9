// Child process of gpt2-parity.webgpu.test.ts: the golden-fixture parity checks on the webgpu
// backend in Node (dawn.node), run with the Vulkan environment the test sets for this process only.
// Uses the built packages (dist/). Prints one JSON line per fixture: the fixture's and the model's
// gradient names and, for each compared tensor, its worst |actual − expected| and the allowed error
// (transformer/testing's compareWithReference, whose reads are asynchronous: tfjs-backend-webgpu's
// dataSync() needs OffscreenCanvas, which Node lacks), then `{"done":…}`.
import * as tf from '@tensorflow/tfjs-core';
import { releaseBackend, selectBackend } from '@normfree/backend';
import { compareWithReference, referenceConfigurationNames, referenceTolerance } from '@normfree/transformer/testing';

const started = Date.now();
// NORMFREE_GPU_ADAPTER: the adapter the GPU benchmark was asked for (default: Dawn's choice).
const gpuAdapter = process.env.NORMFREE_GPU_ADAPTER;
const selected = await selectBackend({ prefer: 'webgpu', strict: true, quiet: true, allowSoftwareAdapter: true, ...(gpuAdapter ? { gpuAdapter } : {}) });
const print = (record) => process.stdout.write(`${JSON.stringify(record)}\n`);
print({ backend: selected.name, info: selected.info, tolerance: referenceTolerance }); // the GPU benchmark prints the tolerance
for (const name of referenceConfigurationNames) {
  for (const stage of ['init', 'trained']) {
    const { comparisons, gradientNames } = await compareWithReference(name, stage);
    // JSON has no Infinity (a NaN or a length mismatch): written as the string 'Infinity'
    print({ name, stage, gradientNames, comparisons: comparisons.map((entry) => ({ ...entry, error: Number.isFinite(entry.error) ? entry.error : 'Infinity' })) });
    tf.disposeVariables();
  }
}
print({ done: true, seconds: (Date.now() - started) / 1000 });
releaseBackend();
