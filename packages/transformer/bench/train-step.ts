/**
 * ms per training step (loss + gradients of every parameter, no optimizer) of the `bench` preset
 * model (toolchain.md §11: 2 layers, 4 heads, d 128, FFN 512, T 128, batch 16, vocab 4096).
 * Discards warm-up steps; prints the median.
 *
 * Run from the repository root (sources, no build needed):
 *   pnpm --filter @normfree/transformer bench [backend] [steps]   (default: wasm 5)
 */
import { selectBackend, type BackendName } from '@normfree/backend';
import { presets, resolveModelConfig, type NormType } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { createModel } from '../src/create-model.js';

const backendName = (process.argv[2] ?? 'wasm') as BackendName;
const steps = Number(process.argv[3] ?? 5);
if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${process.argv[3]}`);
const warmup = 2;
const backend = await selectBackend({ prefer: backendName, strict: true, quiet: true });
for (const norm of ['layernorm', 'none'] as NormType[]) {
  const config = resolveModelConfig({ ...presets.bench.model, vocabSize: 4096, norm, activation: { kind: 'gelu' } });
  const model = createModel(config, { seed: 1 });
  const inputIds = tf.randomUniformInt([presets.bench.training.microBatchSize, config.blockSize], 0, config.vocabSize, 3) as tf.Tensor2D;
  const variables = model.parameters.map((parameter) => parameter.variable);
  const times: number[] = [];
  for (let step = 0; step < warmup + steps; step++) {
    const start = performance.now();
    const { value, grads } = tf.variableGrads(() => model.loss(inputIds, { training: true, dropoutSeed: step }), variables);
    await value.data(); // forces completion on async backends
    tf.dispose([value, ...Object.values(grads)]);
    if (step >= warmup) times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`${backend.name} (${backend.info}) norm=${norm}: median ${median.toFixed(0)} ms/step over ${steps} steps [${times.map((t) => t.toFixed(0)).join(', ')}], ${tf.memory().numTensors} tensors alive`);
  inputIds.dispose();
  model.dispose();
}
