/**
 * Swap in a new FFN activation without touching any package: register `squared-relu`, build a small
 * LayerNorm-free GPT-2 with it, run a forward pass and one plain gradient-descent step, print the
 * loss before and after.
 *
 * Run: pnpm --filter @normfree/example-custom-activation start
 */
import { listActivations } from '@normfree/activations';
import { selectBackend, type BackendName } from '@normfree/backend';
import { resolveModelConfig } from '@normfree/core';
import { createModel } from '@normfree/transformer';
import * as tf from '@tensorflow/tfjs-core';
import { pathToFileURL } from 'node:url';
import { registerSquaredRelu, squaredReluKind } from './squared-relu.js';

/** What {@link main} measured. */
export interface CustomActivationResult {
  readonly backend: string;
  readonly kinds: string[];
  readonly logitsShape: number[];
  readonly lossBefore: number;
  readonly lossAfter: number;
}

/**
 * @param options.backend - TF.js backend to use (default `wasm`, falling back to `cpu`).
 * @param options.learningRate - step size of the plain gradient step (default 0.5).
 * @param options.log - where the lines go (default console.log).
 */
export async function main(
  options: { backend?: BackendName; learningRate?: number; log?: (line: string) => void } = {},
): Promise<CustomActivationResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const backend = await selectBackend({ prefer: options.backend ?? 'wasm', quiet: true });
  registerSquaredRelu();
  const kinds = listActivations();
  log(`backend ${backend.name}; activations: ${kinds.join(', ')}`);

  // A small LN-free model (the paper's SM+… rows) whose FFNs use the plug-in.
  const config = resolveModelConfig({
    vocabSize: 64,
    blockSize: 16,
    nLayer: 2,
    nHead: 2,
    nEmbd: 32,
    norm: 'none',
    activation: { kind: squaredReluKind },
    embdDropout: 0,
  });
  const model = createModel(config, { seed: 42 });
  const inputIds = tf.tensor2d(
    [
      Array.from({ length: 16 }, (_, index) => (index * 7) % 64),
      Array.from({ length: 16 }, (_, index) => (index * 3 + 1) % 64),
    ],
    undefined,
    'int32',
  );

  const logits = model.forward(inputIds, { training: false }); // (2, 16, 64); we own it
  const logitsShape = logits.shape;
  logits.dispose();

  // One training-style step: gradients of the loss, then p ← p − lr·g (a real run uses @normfree/trainer).
  const learningRate = options.learningRate ?? 0.5;
  const variables = model.parameters.map((parameter) => parameter.variable);
  const { value, grads } = tf.variableGrads(() => model.loss(inputIds, { training: true, dropoutSeed: 0 }), variables);
  const lossBefore = (await value.data())[0]!;
  tf.tidy(() => {
    for (const variable of variables) variable.assign(tf.sub(variable, tf.mul(grads[variable.name]!, learningRate)));
  });
  tf.dispose([value, ...Object.values(grads)]);
  const after = model.loss(inputIds, { training: false });
  const lossAfter = (await after.data())[0]!;
  after.dispose();
  log(
    `logits ${logitsShape.join('×')}; loss ${lossBefore.toFixed(4)} (ln 64 = ${Math.log(64).toFixed(4)}) -> ${lossAfter.toFixed(4)} after one step`,
  );

  inputIds.dispose();
  model.dispose();
  return { backend: backend.name, kinds, logitsShape, lossBefore, lossAfter };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
