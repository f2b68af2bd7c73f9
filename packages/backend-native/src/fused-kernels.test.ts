/**
 * The fused kernels (`@normfree/core/tfjs` fusedKernelNames) on wasm: each agrees with the TF.js
 * kernels it replaces, composed as the models compose them, within a named tolerance (GELU and AdamW
 * bit for bit); each gives one
 * thread's bits with 2 and 3 threads; bad inputs are errors naming the kernel and the input; and the
 * zero-copy Identity keeps TF.js's tensor and variable semantics with no tensor or heap leak.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { fusedKernelNames, hasFusedKernel, runFusedKernel, type FusedKernel } from '@normfree/core/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAddon } from './addon.js';
import { registerNativeKernels, unregisterNativeKernels } from './register-native-kernels.js';

const addon = loadAddon().addon;

/** Relative tolerance against the composed path: float32 rounding of a few reordered operations. */
const RELATIVE = 1e-5;
/** Absolute floor for values near zero (probabilities, gradients that cancel). */
const ABSOLUTE = 1e-6;

function expectClose(actual: tf.Tensor, expected: tf.Tensor, what: string): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  let where = -1;
  for (let index = 0; index < e.length; index++) {
    const excess = Math.abs(a[index]! - e[index]!) - (ABSOLUTE + RELATIVE * Math.abs(e[index]!));
    if (!(excess <= worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      where = index;
    }
  }
  if (where >= 0)
    throw new Error(
      `${what}: value ${where} is ${a[where]}, expected ${e[where]} (tolerance ${ABSOLUTE} + ${RELATIVE}·|expected|)`,
    );
}

function bitsOf(tensor: tf.Tensor): Uint32Array {
  const values = tensor.dataSync() as Float32Array;
  return new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

/** Uniform values in [low, high), seeded. */
const uniform = (shape: number[], seed: number, low = -4, high = 4): tf.Tensor =>
  tf.randomUniform(shape, low, high, 'float32', seed);

/** Scores of a (blocks, T, T) attention: finite, with the scale applied by the kernel. */
function causalReference(scores: tf.Tensor3D, scale: number): tf.Tensor3D {
  const T = scores.shape[2];
  const bias = tf.tensor2d(
    Float32Array.from({ length: T * T }, (_, index) =>
      index % T > Math.floor(index / T) ? -3.4028234663852886e38 : 0,
    ),
    [T, T],
  );
  return tf.softmax(tf.add(tf.div(scores, scale), bias)) as tf.Tensor3D; // as causal-attention.ts composes it
}

/** AdamW scalars of a step 3 at lr 1e-3, wd 0.1 (trainer's adamw.ts computes them the same way). */
const adamWAttrs = (() => {
  const [beta1, beta2, epsilon, lr, wd, step] = [0.9, 0.95, 1e-8, 1e-3, 0.1, 3];
  const [bias1, bias2] = [1 - beta1 ** step, 1 - beta2 ** step];
  return {
    beta1,
    beta2,
    epsilon,
    stepSize: (lr * Math.sqrt(bias2)) / bias1,
    decayRate: lr * wd,
    sqrtBias2: Math.sqrt(bias2),
    lrOverBias1: lr / bias1,
    keep: 1 - lr * wd,
  };
})();

/** Every fused kernel run once on given inputs: [name, outputs]. Sizes above and below the threading thresholds. */
function runAll(rows: number, cols: number, seed: number): Array<[string, tf.Tensor[]]> {
  const x = uniform([rows, cols], seed);
  const dy = uniform([rows, cols], seed + 1);
  const labels = tf.randomUniform([rows], 0, cols, 'int32', seed + 2);
  const gain = uniform([cols], seed + 3, 0.5, 1.5);
  const bias = uniform([cols], seed + 4, -0.5, 0.5);
  const T = 37;
  const scores = uniform([Math.max(1, Math.floor(rows / 8)), T, T], seed + 5, -20, 20) as tf.Tensor3D;
  const [loss, probs] = runFusedKernel('softmaxCrossEntropy', { logits: x, labels }) as [tf.Tensor, tf.Tensor];
  const [y, normed, invStd] = runFusedKernel('layerNorm', { x, gain, bias }, { epsilon: 1e-5 }) as tf.Tensor[];
  const causal = runFusedKernel('causalSoftmax', { scores }, { scale: Math.sqrt(32) }) as tf.Tensor;
  return [
    ['softmaxCrossEntropy', [loss, probs]],
    [
      'softmaxCrossEntropyGrad',
      [runFusedKernel('softmaxCrossEntropyGrad', { probs, labels, dloss: uniform([rows], seed + 6) }) as tf.Tensor],
    ],
    ['geluErf', [runFusedKernel('geluErf', { x }) as tf.Tensor]],
    ['geluErfGrad', [runFusedKernel('geluErfGrad', { x, dy }) as tf.Tensor]],
    ['layerNorm', [y!, normed!, invStd!]],
    ['layerNormGrad', runFusedKernel('layerNormGrad', { dy, normed: normed!, invStd: invStd!, gain }) as tf.Tensor[]],
    ['causalSoftmax', [causal]],
    [
      'softmaxGrad',
      [
        runFusedKernel(
          'softmaxGrad',
          { probs: causal, dprobs: uniform(causal.shape, seed + 7) },
          { scale: Math.sqrt(32) },
        ) as tf.Tensor,
      ],
    ],
    [
      'adamW',
      runFusedKernel(
        'adamW',
        { param: x, first: dy, second: tf.abs(dy), gradient: y! },
        { ...adamWAttrs, torchRule: false, decay: true },
      ) as tf.Tensor[],
    ],
  ];
}

describe.skipIf(addon === null)('fused kernels on wasm', () => {
  let previousBackend = '';

  beforeAll(async () => {
    previousBackend = tf.getBackend();
    await tf.setBackend('wasm');
    registerNativeKernels({ backend: 'wasm', threads: 1, log: null });
  });

  afterAll(async () => {
    unregisterNativeKernels();
    registerNativeKernels({ backend: 'wasm', log: null });
    unregisterNativeKernels();
    await tf.setBackend(previousBackend);
  });

  it('registers every fused kernel on wasm, and removes them again', () => {
    for (const kernel of Object.keys(fusedKernelNames) as FusedKernel[])
      expect(hasFusedKernel(kernel), kernel).toBe(true);
    unregisterNativeKernels();
    for (const kernel of Object.keys(fusedKernelNames) as FusedKernel[])
      expect(hasFusedKernel(kernel), kernel).toBe(false);
    registerNativeKernels({ backend: 'wasm', threads: 1, log: null, kernels: ['BatchMatMul'] });
    expect(hasFusedKernel('geluErf')).toBe(false); // only what was asked for
    registerNativeKernels({ backend: 'wasm', threads: 1, log: null });
    expect(hasFusedKernel('geluErf')).toBe(true);
  });

  it.each([
    [7, 13],
    [1031, 517],
  ])('agrees with the composed TF.js kernels on (%i, %i), within 1e-6 + 1e-5·|value|', (rows, cols) => {
    tf.tidy(() => {
      const x = uniform([rows, cols], 1) as tf.Tensor2D;
      const dy = uniform([rows, cols], 2) as tf.Tensor2D;
      const labels = tf.randomUniform([rows], 0, cols, 'int32', 3) as tf.Tensor1D;
      const gain = uniform([cols], 4, 0.5, 1.5);
      const bias = uniform([cols], 5, -0.5, 0.5);

      // softmax cross-entropy: loss = logsumexp − x[label]; dlogits = dloss·(p − onehot)
      const [loss, probs] = runFusedKernel('softmaxCrossEntropy', { logits: x, labels }) as [tf.Tensor, tf.Tensor];
      const oneHot = tf.cast(tf.equal(tf.reshape(labels, [rows, 1]), tf.range(0, cols, 1, 'int32')), 'float32'); // (rows, cols); not tf.oneHot (transformer's cross-entropy.ts says why)
      expectClose(probs, tf.softmax(x), 'softmaxCrossEntropy probs');
      expectClose(loss, tf.sub(tf.logSumExp(x, -1), tf.sum(tf.mul(x, oneHot), -1)), 'softmaxCrossEntropy loss');
      const dloss = uniform([rows], 6);
      expectClose(
        runFusedKernel('softmaxCrossEntropyGrad', { probs, labels, dloss }) as tf.Tensor,
        tf.mul(tf.sub(probs, oneHot), tf.reshape(dloss, [rows, 1])),
        'softmaxCrossEntropyGrad',
      );

      // exact GELU as activations' geluErf composes it
      const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
      const pdf = tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(x))));
      // the same float operations in the same order: bit for bit
      expect(Array.from(bitsOf(runFusedKernel('geluErf', { x }) as tf.Tensor)), 'geluErf').toEqual(
        Array.from(bitsOf(tf.mul(x, cdf))),
      );
      expect(Array.from(bitsOf(runFusedKernel('geluErfGrad', { x, dy }) as tf.Tensor)), 'geluErfGrad').toEqual(
        Array.from(bitsOf(tf.mul(dy, tf.add(cdf, tf.mul(x, pdf))))),
      );

      // LayerNorm as transformer's layerNorm composes it (biased variance)
      const [y, normed, invStd] = runFusedKernel('layerNorm', { x, gain, bias }, { epsilon: 1e-5 }) as tf.Tensor[];
      const centered = tf.sub(x, tf.mean(x, -1, true));
      const inverse = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), 1e-5));
      const expectedNormed = tf.mul(centered, inverse);
      expectClose(invStd!, inverse, 'layerNorm invStd');
      expectClose(normed!, expectedNormed, 'layerNorm normed');
      expectClose(y!, tf.add(tf.mul(expectedNormed, gain), bias), 'layerNorm y');
      const [dx, dgain, dbias] = runFusedKernel('layerNormGrad', {
        dy,
        normed: normed!,
        invStd: invStd!,
        gain,
      }) as tf.Tensor[];
      const scaled = tf.mul(dy, gain);
      const expectedDx = tf.mul(
        inverse,
        tf.sub(
          tf.sub(scaled, tf.mean(scaled, -1, true)),
          tf.mul(expectedNormed, tf.mean(tf.mul(scaled, expectedNormed), -1, true)),
        ),
      );
      expectClose(dx!, expectedDx, 'layerNormGrad dx');
      expectClose(dgain!, tf.sum(tf.mul(dy, expectedNormed), 0), 'layerNormGrad dgain');
      expectClose(dbias!, tf.sum(dy, 0), 'layerNormGrad dbias');

      // attention: causal softmax of scores/scale, and the softmax backward with the scale
      const T = cols % 64 === 13 ? 13 : 129;
      const scores = uniform([3, T, T], 7, -30, 30) as tf.Tensor3D;
      const scale = Math.sqrt(32);
      const causal = runFusedKernel('causalSoftmax', { scores }, { scale }) as tf.Tensor3D;
      const expectedCausal = causalReference(scores, scale);
      expectClose(causal, expectedCausal, 'causalSoftmax');
      expect(tf.sum(tf.mul(causal, tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)))).dataSync()[0]).toBe(0); // exactly 0 above the diagonal
      const dprobs = uniform([3, T, T], 8);
      expectClose(
        runFusedKernel('softmaxGrad', { probs: causal, dprobs }, { scale }) as tf.Tensor,
        tf.div(tf.mul(causal, tf.sub(dprobs, tf.sum(tf.mul(dprobs, causal), -1, true))), scale),
        'softmaxGrad',
      );

      // AdamW, both rules, with and without decay: the composed update of trainer's adamw.ts, bit for bit
      const [m0, v0, g] = [uniform([rows, cols], 9), tf.abs(uniform([rows, cols], 10)), uniform([rows, cols], 12)];
      const { beta1, beta2, epsilon, stepSize, decayRate, sqrtBias2, lrOverBias1, keep } = adamWAttrs;
      const m = tf.add(tf.mul(m0, beta1), tf.mul(g, 1 - beta1));
      const v = tf.add(tf.mul(v0, beta2), tf.mul(tf.square(g), 1 - beta2));
      const hf = tf.sub(x, tf.mul(tf.div(m, tf.add(tf.sqrt(v), epsilon)), stepSize));
      const torchStep = tf.mul(tf.div(m, tf.add(tf.div(tf.sqrt(v), sqrtBias2), epsilon)), lrOverBias1);
      const expected = {
        'hf, decay': tf.sub(hf, tf.mul(hf, decayRate)),
        hf: hf,
        'torch, decay': tf.sub(tf.mul(x, keep), torchStep),
        torch: tf.sub(x, torchStep),
      };
      for (const [label, param] of Object.entries(expected)) {
        const [p, first, second] = runFusedKernel(
          'adamW',
          { param: x, first: m0, second: v0, gradient: g },
          { ...adamWAttrs, torchRule: label.startsWith('torch'), decay: label.endsWith('decay') },
        ) as tf.Tensor[];
        expect(Array.from(bitsOf(first!)), `adamW first moment (${label})`).toEqual(Array.from(bitsOf(m)));
        expect(Array.from(bitsOf(second!)), `adamW second moment (${label})`).toEqual(Array.from(bitsOf(v)));
        expect(Array.from(bitsOf(p!)), `adamW parameter (${label})`).toEqual(Array.from(bitsOf(param)));
      }
    });
  });

  it("gives one thread's bits with 2 and 3 threads, below and above the parallel thresholds", () => {
    for (const [rows, cols] of [
      [5, 11],
      [301, 517],
    ] as const) {
      let regions = 0;
      const runs = [1, 2, 3].map((threads) => {
        registerNativeKernels({ backend: 'wasm', threads, log: null });
        const before = addon!.info().parallelRegions;
        tf.engine().startScope(); // a tidy that may return plain arrays
        const bits = runAll(rows, cols, 11).map(([name, outputs]) => [name, outputs.map(bitsOf)] as const);
        tf.engine().endScope();
        if (threads > 1) regions += addon!.info().parallelRegions - before;
        return bits;
      });
      if (rows * cols > 100_000) expect(regions).toBeGreaterThan(0); // the large case did share work out
      const [one, ...others] = runs;
      for (const other of others) {
        other.forEach(([name, outputs], index) =>
          outputs.forEach((bits, output) => {
            const expected = one![index]![1][output]!;
            const differing = bits.findIndex((value, at) => value !== expected[at]);
            expect(differing, `${name} output ${output} on (${rows}, ${cols})`).toBe(-1);
          }),
        );
      }
    }
    registerNativeKernels({ backend: 'wasm', threads: 1, log: null });
  });

  it('refuses bad inputs with the kernel and the input named', () => {
    tf.tidy(() => {
      const x = tf.ones([4, 3]);
      expect(() => runFusedKernel('softmaxCrossEntropy', { logits: x, labels: tf.zeros([4]) })).toThrow(
        /NormfreeSoftmaxCrossEntropy: input 'labels' must be int32, got float32/,
      );
      expect(() => runFusedKernel('softmaxCrossEntropy', { logits: x, labels: tf.zeros([5], 'int32') })).toThrow(
        /4 rows of logits but 5 labels/,
      );
      expect(() => runFusedKernel('geluErfGrad', { x, dy: tf.ones([3, 4]) })).toThrow(
        /NormfreeGeluErfGrad: 'x' and 'dy' must have the same shape, got \[4, 3\] and \[3, 4\]/,
      );
      expect(() => runFusedKernel('layerNorm', { x, gain: tf.ones([3]), bias: tf.ones([3]) })).toThrow(
        /NormfreeLayerNorm: attribute 'epsilon' must be a finite number, got undefined/,
      );
      expect(() => runFusedKernel('causalSoftmax', { scores: tf.ones([2, 3, 4]) }, { scale: 1 })).toThrow(
        /NormfreeCausalSoftmax: scores must end in two equal axes/,
      );
    });
  });

  it('shares data in Identity without changing what tensors and variables hold, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const bytesBefore = (tf.memory() as { numBytesInWASM?: number }).numBytesInWASM;
    const source = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(source); // Identity
    source.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3]); // the shared data outlives the first owner
    const variable = tf.variable(copy); // clones again
    copy.dispose();
    const first = tf.tensor1d([4, 5, 6]);
    variable.assign(first);
    first.dispose();
    expect(Array.from(await variable.data())).toEqual([4, 5, 6]);
    const kept = tf.clone(variable);
    const second = tf.tensor1d([7, 8, 9]);
    variable.assign(second);
    second.dispose();
    expect(Array.from(await kept.data())).toEqual([4, 5, 6]); // an assign never writes through a clone
    kept.dispose();
    variable.dispose();
    expect(tf.memory().numTensors).toBe(before);
    if (bytesBefore !== undefined)
      expect((tf.memory() as { numBytesInWASM?: number }).numBytesInWASM).toBe(bytesBefore);
  });
});
