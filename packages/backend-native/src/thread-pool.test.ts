/**
 * The addon's thread pool: every threaded kernel gives the same bits as with one thread, on odd sizes
 * below and above the size from which a kernel goes parallel (gemm.cc, kernels.cc), with 2 and 3
 * threads (more threads than this machine's cores included); and training steps on the wasm backend
 * are identical with 1 and 2 threads.
 *
 * Bit-identical is the invariant, not a tolerance: every kernel splits its work over independent
 * outputs (rows or columns of C for matmul, whole products of a batch, rows, columns of a reduction),
 * so each output value is computed by one thread in the single-threaded order.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAddon, type NativeAddon } from './addon.js';
import { registerNativeKernels, unregisterNativeKernels } from './register-native-kernels.js';

const loaded = loadAddon();
const addon = loaded.addon;
const initialThreads = addon?.info().threads ?? 1;

const heapBytes = 24 * 1024 * 1024;
/** Byte offsets of the two input regions (filled with a fixed pattern) and of the output region. */
const input = 0;
const secondInput = 8 * 1024 * 1024;
const output = 16 * 1024 * 1024;

function makeHeap(): ArrayBuffer {
  const heap = new ArrayBuffer(heapBytes);
  const values = new Float32Array(heap, 0, output / 4);
  let state = 12345;
  for (let index = 0; index < values.length; index++) {
    state = (state * 1103515245 + 12345) >>> 0;
    values[index] = (state / 2 ** 32) * 8 - 4; // uniform in [-4, 4)
  }
  return heap;
}

/** Run `kernel` on a fresh copy of the heap with `threads` threads; return the output region's bits. */
function outputBits(
  native: NativeAddon,
  heap: ArrayBuffer,
  threads: number,
  kernel: (heap: ArrayBuffer) => void,
): Uint32Array {
  const copy = heap.slice(0);
  new Uint8Array(copy, output).fill(0xcd); // unwritten output shows up as a difference
  native.setThreads(threads);
  kernel(copy);
  return new Uint32Array(copy, output);
}

function expectSameBits(actual: Uint32Array, expected: Uint32Array, what: string): void {
  let differences = 0;
  let first = -1;
  for (let index = 0; index < expected.length; index++) {
    if (actual[index] !== expected[index]) {
      differences++;
      if (first < 0) first = index;
    }
  }
  if (differences > 0)
    throw new Error(`${what}: ${differences} values differ from one thread's, the first at float ${first}`);
}

describe.skipIf(addon === null)('the native kernels on several threads', () => {
  const native = addon as NativeAddon;
  let heap: ArrayBuffer;
  beforeAll(() => {
    heap = makeHeap();
  });
  afterAll(() => {
    native.setThreads(initialThreads);
  });

  it('starts with one thread per core this process may use, and setThreads changes and reports the count', () => {
    const info = native.info();
    expect(info.cores).toBeGreaterThanOrEqual(1);
    expect(info.cores).toBe(availableParallelism()); // both read sched_getaffinity
    expect(initialThreads).toBe(info.cores);
    expect(native.setThreads(3)).toBe(3);
    expect(native.info().threads).toBe(3);
    expect(native.setThreads(1)).toBe(1);
    expect(() => native.setThreads(0)).toThrow(RangeError);
  });

  /** Each case runs with 1 thread, then with 2 and 3, and must give the same bits. */
  const cases: { name: string; run: (heap: ArrayBuffer) => void; parallel?: boolean }[] = [];
  const matmuls: [number, number, number, number, boolean][] = [
    // [batch, M, N, K, goes parallel]
    [1, 1, 1, 1, false],
    [1, 7, 13, 5, false],
    [1, 97, 61, 33, false], // below the 2·10⁶ multiply-add threshold
    [1, 301, 129, 257, true],
    [1, 1031, 67, 129, true], // rows shared out (odd M, partial tiles)
    [1, 13, 700, 301, true],
    [1, 128, 128, 1500, true], // columns shared out (few row strips; a long K: several packed panels)
    [5, 97, 131, 65, true],
    [3, 257, 129, 129, true], // batches: small products shared out whole; 3 large ones each split
    [8, 40, 50, 30, false],
    [64, 33, 33, 17, false], // batches whose total is below the threshold
  ];
  for (const [batch, M, N, K, parallel] of matmuls) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        cases.push({
          name: `matmul ${batch}×[${M}×${K}]·[${K}×${N}]${transposeA ? ' Aᵀ' : ''}${transposeB ? ' Bᵀ' : ''}`,
          run: (target) =>
            native.matmul(target, batch, M, N, K, input, M * K, secondInput, K * N, output, transposeA, transposeB),
          parallel,
        });
      }
    }
  }
  cases.push({
    name: 'matmul with B broadcast over a batch of 6',
    run: (target) => native.matmul(target, 6, 211, 97, 131, input, 211 * 131, secondInput, 0, output, false, true),
    parallel: true,
  });
  for (const count of [1, 61, 16_385, 100_003, 1_000_001]) {
    for (const [op, name] of [
      [0, 'exp'],
      [1, 'tanh'],
      [2, 'erf'],
    ] as const) {
      cases.push({
        name: `${name} of ${count} values`,
        run: (target) => native.unary(target, op, count, input, output),
        parallel: count > 32_768,
      });
    }
  }
  for (const [rows, cols, parallel] of [
    [3, 4096, false],
    [37, 1001, true],
    [1000, 67, true],
    [4096, 3, false],
  ] as const) {
    cases.push({
      name: `softmax of ${rows}×${cols}`,
      run: (target) => native.softmaxRows(target, rows, cols, input, output),
      parallel,
    });
  }
  cases.push({
    name: 'softmax cross-entropy forward and backward, 257×1000 with ignored labels',
    run: (target) => {
      const rows = 257;
      const classes = 1000;
      const labels = new Int32Array(target, secondInput, rows);
      labels.forEach((_, row) => {
        labels[row] = row % 11 === 0 ? -1 : (row * 37) % classes;
      });
      const loss = output;
      const probs = output + 4096;
      native.softmaxCrossEntropy(target, rows, classes, input, secondInput, loss, probs);
      native.softmaxCrossEntropyGrad(
        target,
        rows,
        classes,
        probs,
        secondInput,
        input + 6 * 1024 * 1024,
        probs + rows * classes * 4,
      );
    },
    parallel: true,
  });
  const broadcasts: { shape: number[]; a: number[]; b: number[]; parallel: boolean }[] = [
    { shape: [301, 257], a: [257, 1], b: [0, 1], parallel: true }, // (301, 257) ∘ (1, 257)
    { shape: [5, 301, 67], a: [301 * 67, 67, 1], b: [0, 1, 0], parallel: true }, // (5, 301, 67) ∘ (301, 1)
    { shape: [3, 5], a: [5, 1], b: [1, 3], parallel: false }, // small, strided b
    { shape: [4001, 33], a: [0, 1], b: [33, 1], parallel: true },
  ];
  for (const { shape, a, b, parallel } of broadcasts) {
    const dims = new Int32Array([shape.length, ...shape, ...a, ...b]);
    for (const [op, name] of [
      [0, 'add'],
      [1, 'sub'],
      [2, 'mul'],
      [3, 'div'],
    ] as const) {
      cases.push({
        name: `${name} over (${shape.join(', ')})`,
        run: (target) => native.binary(target, op, dims, input, secondInput, output),
        parallel,
      });
    }
    cases.push({
      name: `equal over (${shape.join(', ')})`,
      run: (target) => native.equal(target, dims, input, input, output, true),
      parallel,
    });
  }
  const copies: { name: string; shape: number[]; strides: number[]; bytes: number; parallel: boolean }[] = [
    {
      name: 'transpose of the last two axes (tiled), (9, 301, 67)',
      shape: [9, 67, 301],
      strides: [301 * 67, 1, 67],
      bytes: 4,
      parallel: true,
    },
    {
      name: 'transpose (2, 0, 1) of (33, 40, 57)',
      shape: [57, 33, 40],
      strides: [1, 40 * 57, 57],
      bytes: 4,
      parallel: true,
    },
    { name: 'slice of (1000, 300) to (997, 251)', shape: [997, 251], strides: [300, 1], bytes: 4, parallel: true },
    { name: 'bool transpose of (513, 129)', shape: [129, 513], strides: [1, 129], bytes: 1, parallel: true },
    {
      name: 'one 2-D transpose (tiled, split in bands of rows), (301, 517)',
      shape: [517, 301],
      strides: [1, 517],
      bytes: 4,
      parallel: true,
    },
    {
      name: 'transpose (0, 2, 1) of (40, 250, 9): blocks of 9 rows',
      shape: [40, 9, 250],
      strides: [2250, 1, 9],
      bytes: 4,
      parallel: true,
    },
    { name: 'small transpose (5, 7)', shape: [7, 5], strides: [1, 7], bytes: 4, parallel: false },
  ];
  for (const { name, shape, strides, bytes, parallel } of copies) {
    const dims = new Int32Array([shape.length, ...shape, ...strides]);
    cases.push({
      name: `strided copy: ${name}`,
      run: (target) => native.stridedCopy(target, dims, input + 12, output, bytes),
      parallel,
    });
  }
  // A reduction to one value (outer = inner = 1) stays on one thread: splitting it would reorder the sum.
  for (const [outer, reduce, inner, parallel] of [
    [1, 4097, 301, true],
    [1, 4096, 128, false],
    [3001, 257, 1, true],
    [7, 33, 1001, true],
    [5, 70, 333, true],
    [1, 100_003, 1, false],
    [2, 9, 3, false],
  ] as const) {
    for (const max of [false, true]) {
      cases.push({
        name: `${max ? 'max' : 'sum'} over [${outer}, ${reduce}, ${inner}]`,
        run: (target) => native.reduceSum(target, outer, reduce, inner, input, output, max),
        parallel,
      });
    }
  }

  for (const { name, run, parallel } of cases) {
    it(`gives one thread's bits with 2 and 3 threads: ${name}${parallel === undefined ? '' : parallel ? ' (parallel)' : ' (below the threshold: one thread)'}`, () => {
      const expected = outputBits(native, heap, 1, run);
      const regions = native.info().parallelRegions;
      expectSameBits(outputBits(native, heap, 2, run), expected, '2 threads');
      const ran = native.info().parallelRegions - regions;
      if (parallel !== undefined) expect(ran > 0, `parallel regions run: ${ran}`).toBe(parallel);
      expectSameBits(outputBits(native, heap, 3, run), expected, '3 threads');
    });
  }
});

describe.skipIf(addon === null)('training on the wasm backend with native kernels on 1 and 2 threads', () => {
  let previousBackend = 'cpu';
  beforeAll(async () => {
    previousBackend = tf.getBackend();
    await tf.setBackend('wasm');
    await tf.ready();
  });
  afterAll(async () => {
    unregisterNativeKernels();
    addon?.setThreads(initialThreads);
    await tf.setBackend(previousBackend);
  });

  /**
   * Three Adam steps of a one-block attention + MLP language model over (B, T) = (16, 64) tokens, C = 96,
   * V = 509: batched matmuls, softmax, tanh-GELU, erf, broadcasts, transposes, reductions, all above
   * the thresholds. Returns every step's loss and the final weights.
   */
  async function train(threads: number): Promise<{ losses: number[]; weights: Float32Array[] }> {
    const status = registerNativeKernels({ backend: 'wasm', threads, log: null });
    expect(status.threads).toBe(threads);
    const [B, T, C, V, nh] = [16, 64, 96, 509, 4];
    const hs = C / nh;
    const init = (shape: number[], seed: number): tf.Variable =>
      tf.variable(tf.randomNormal(shape, 0, 0.05, 'float32', seed));
    const weights = {
      embedding: init([V, C], 1),
      qkv: init([C, 3 * C], 2),
      projection: init([C, C], 3),
      up: init([C, 4 * C], 4),
      down: init([4 * C, C], 5),
      bias: init([4 * C], 6),
    };
    const ids = tf.randomUniform([B, T], 0, V, 'int32', 7);
    const targets = tf.oneHot(tf.reshape(tf.randomUniform([B, T], 0, V, 'int32', 8), [B * T]), V);
    const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
    const optimizer = tf.train.adam(1e-2);
    const loss = (): tf.Scalar => {
      // one-hot product, not gather: gather's gradient needs UnsortedSegmentSum, which wasm lacks (style.md §2)
      const x = tf.matMul(tf.oneHot(tf.reshape(ids, [B * T]), V), weights.embedding); // (B·T, V) @ (V, C) -> (B·T, C)
      const qkv = tf.matMul(x, weights.qkv); // (B·T, 3C)
      const [q, k, v] = tf.split(qkv, 3, 1).map((part) => tf.transpose(tf.reshape(part, [B, T, nh, hs]), [0, 2, 1, 3])); // (B, nh, T, hs)
      const scores = tf.mul(tf.matMul(q as tf.Tensor, k as tf.Tensor, false, true), 1 / Math.sqrt(hs)); // (B, nh, T, T)
      const probs = tf.softmax(tf.add(scores, tf.mul(tf.sub(1, mask), -1e9)));
      const attended = tf.reshape(tf.transpose(tf.matMul(probs, v as tf.Tensor), [0, 2, 1, 3]), [B * T, C]); // (B·T, C)
      const h = tf.add(x, tf.matMul(attended, weights.projection));
      const u = tf.add(tf.matMul(h, weights.up), weights.bias); // (B·T, 4C)
      const gelu = tf.mul(
        tf.mul(u, 0.5),
        tf.add(1, tf.tanh(tf.mul(tf.add(u, tf.mul(tf.pow(u, 3), 0.044715)), Math.sqrt(2 / Math.PI)))),
      );
      const exact = tf.mul(tf.mul(u, 0.5), tf.add(1, tf.erf(tf.div(u, Math.SQRT2))));
      const out = tf.add(h, tf.matMul(tf.add(gelu, tf.mul(exact, 0.1)), weights.down)); // (B·T, C)
      const logits = tf.matMul(out, weights.embedding, false, true); // (B·T, V)
      return tf.losses.softmaxCrossEntropy(targets, logits);
    };
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      const value = optimizer.minimize(loss, true) as tf.Scalar;
      losses.push((await value.data())[0] ?? NaN);
      value.dispose();
    }
    const final = await Promise.all(
      Object.values(weights).map(async (variable) => (await variable.data()) as Float32Array),
    );
    tf.dispose([ids, targets, mask, ...Object.values(weights)]);
    optimizer.dispose();
    return { losses, weights: final };
  }

  it('gives the same losses and weights, bit for bit, after three Adam steps', async () => {
    const one = await train(1);
    const regions = addon?.info().parallelRegions ?? 0;
    const two = await train(2);
    expect(addon?.info().parallelRegions ?? 0).toBeGreaterThan(regions); // the kernels did share work out
    expect(two.losses).toEqual(one.losses);
    expect(one.losses[2]).toBeLessThan(one.losses[0] ?? 0); // it trains
    one.weights.forEach((values, index) => {
      const other = two.weights[index] ?? new Float32Array();
      expectSameBits(
        new Uint32Array(other.buffer, other.byteOffset, other.length),
        new Uint32Array(values.buffer, values.byteOffset, values.length),
        `weight ${index}`,
      );
    });
    tf.disposeVariables();
  });
});
