import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fastBatchedProducts, fastBatchedProductsFlag } from '@normfree/core/tfjs';
import { loadAddon } from './addon.js';
import { registerNativeKernels, registeredNativeKernels, unregisterNativeKernels } from './register-native-kernels.js';

const addonAvailable = loadAddon().addon !== null;
/** The CPU's best level, read before any test lowers it. */
const bestSimd = loadAddon().addon?.info().simd ?? 'scalar';
let previousBackend = 'cpu';

function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { absolute, relative }: { absolute: number; relative: number },
): void {
  expect(actual.length).toBe(expected.length);
  for (let index = 0; index < expected.length; index++) {
    const want = expected[index] ?? NaN;
    const got = actual[index] ?? NaN;
    if (Number.isNaN(want)) {
      expect(got, `element ${index}`).toBeNaN();
      continue;
    }
    if (!Number.isFinite(want)) {
      expect(got, `element ${index}`).toBe(want);
      continue;
    }
    const tolerance = absolute + relative * Math.abs(want);
    if (Math.abs(got - want) > tolerance)
      throw new Error(`element ${index}: got ${got}, expected ${want} (tolerance ${tolerance})`);
  }
}

/** Run `compute` on cpu (TF.js's reference kernels) and on wasm with native kernels; return both results. */
async function onBothBackends(
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<{ reference: Float32Array[]; native: Float32Array[] }> {
  const run = async (backend: string): Promise<Float32Array[]> => {
    await tf.setBackend(backend);
    const result = tf.tidy(compute);
    const list = Array.isArray(result) ? result : [result];
    const values = await Promise.all(list.map(async (tensor) => (await tensor.data()) as Float32Array));
    tf.dispose(list);
    return values;
  };
  return { reference: await run('cpu'), native: await run('wasm') };
}

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

describe.skipIf(!addonAvailable)('native kernels on the wasm backend', () => {
  beforeAll(async () => {
    previousBackend = tf.getBackend();
    await tf.setBackend('wasm');
    await tf.ready();
    const status = registerNativeKernels({ backend: 'wasm', log: null });
    expect(status.enabled, status.reason).toBe(true);
  });
  afterAll(async () => {
    unregisterNativeKernels();
    await tf.setBackend(previousBackend);
  });
  afterEach(() => {
    tf.disposeVariables();
  });

  it('serves every kernel that has a native version', () => {
    expect(registeredNativeKernels()).toEqual(
      expect.arrayContaining([
        'BatchMatMul',
        'Exp',
        'Tanh',
        'Softmax',
        'Equal',
        'Unpack',
        'Pack',
        'Tile',
        'Transpose',
        'Slice',
        'SplitV',
        'Add',
        'Sub',
        'Multiply',
        'RealDiv',
        'Sum',
        'GatherV2',
        'Max',
        'Erf',
      ]),
    );
  });

  const cases: { name: string; a: number[]; b: number[] }[] = [
    { name: '2-D', a: [37, 70], b: [70, 53] },
    { name: 'batched 3-D', a: [3, 17, 33], b: [3, 33, 29] },
    { name: 'batched 4-D', a: [2, 3, 9, 16], b: [2, 3, 16, 7] },
    { name: 'b broadcast over the batch', a: [4, 13, 17], b: [17, 29] },
  ];
  for (const { name, a, b } of cases) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matches TF.js matMul (${name}, transposeA=${transposeA}, transposeB=${transposeB}) within 1e-5 relative + 1e-5`, async () => {
          const swap = (shape: number[], transposed: boolean): number[] =>
            transposed ? [...shape.slice(0, -2), shape.at(-1) ?? 0, shape.at(-2) ?? 0] : shape;
          const { reference, native } = await onBothBackends(() =>
            tf.matMul(random(swap(a, transposeA), 1), random(swap(b, transposeB), 2), transposeA, transposeB),
          );
          expectClose(native[0] ?? [], reference[0] ?? [], { absolute: 1e-5, relative: 1e-5 });
        });
      }
    }
  }

  it('gives matMul gradients that match TF.js within 1e-5 relative + 1e-5', async () => {
    const { reference, native } = await onBothBackends(() => {
      const a = random([2, 19, 31], 3);
      const b = random([2, 31, 23], 4);
      const weights = random([2, 19, 23], 5);
      const [gradA, gradB] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(tf.matMul(x, y, false, true), weights)),
      )([a, tf.transpose(b, [0, 2, 1])]);
      return [gradA as tf.Tensor, gradB as tf.Tensor];
    });
    expectClose(native[0] ?? [], reference[0] ?? [], { absolute: 1e-5, relative: 1e-5 });
    expectClose(native[1] ?? [], reference[1] ?? [], { absolute: 1e-5, relative: 1e-5 });
  });

  it('matches TF.js exp, tanh and softmax within 1e-6 relative and erf within 5e-7, NaN and ±inf included', async () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, 1e-8, -1e-8, 88, -88, 100, -100, 0.03, -0.05];
    const { reference, native } = await onBothBackends(() => {
      const x = tf.concat([tf.mul(random([1000], 6), 30), tf.tensor1d(special)]);
      const rows = tf.mul(random([7, 301], 7), 10);
      return [tf.exp(x), tf.tanh(x), tf.softmax(rows), tf.softmax(tf.reshape(rows, [7, 7, 43])), tf.erf(tf.div(x, 10))];
    });
    for (let index = 0; index < 4; index++)
      expectClose(native[index] ?? [], reference[index] ?? [], { absolute: 1e-7, relative: 1e-6 });
    expectClose(native[4] ?? [], reference[4] ?? [], { absolute: 5e-7, relative: 0 }); // same A&S 7.1.26 formula, float32 arithmetic vs TF.js double: ≈4 ulp of 1
  });

  it('matches TF.js equal with broadcasting (one-hot comparisons), float32 and int32', async () => {
    const { reference, native } = await onBothBackends(() => {
      const labels = tf.randomUniform([300, 1], 0, 50, 'int32', 12);
      const classes = tf.reshape(tf.range(0, 50, 1, 'int32'), [1, 50]);
      const floats = tf.round(tf.mul(random([3, 40, 7], 13), 2));
      const floatsB = tf.round(tf.mul(random([40, 1], 14), 2));
      return [
        tf.cast(tf.equal(labels, classes), 'float32'),
        tf.cast(tf.equal(classes, labels), 'float32'),
        tf.cast(tf.equal(floats, floatsB), 'float32'),
        tf.cast(tf.equal(tf.tensor1d([Number.NaN, 1]), tf.tensor1d([Number.NaN, 1])), 'float32'),
      ];
    });
    for (let index = 0; index < 4; index++)
      expect(Array.from(native[index] ?? [])).toEqual(Array.from(reference[index] ?? []));
    expect(Array.from(reference[0] ?? []).reduce((sum, value) => sum + value, 0)).toBe(300); // one hit per row
  });

  it('matches TF.js unstack, stack, tile and gather exactly, on every axis and dtype', async () => {
    const { reference, native } = await onBothBackends(() => {
      const x = random([4, 5, 6], 15);
      const ids = tf.randomUniform([4, 5, 6], 0, 9, 'int32', 16);
      const unstacked = [0, 1, 2, -1].flatMap((axis) => tf.unstack(x, axis));
      const stacked = [0, 1, 2, -1].map((axis) => tf.stack(tf.unstack(x, 1), axis));
      const tiled = [
        tf.tile(x, [2, 1, 3]),
        tf.tile(tf.reshape(x, [1, 20, 6]), [64, 1, 1]),
        tf.cast(tf.tile(ids, [1, 2, 1]), 'float32'),
        tf.cast(tf.tile(tf.greater(x, 0), [3, 1, 2]), 'float32'),
      ];
      const gathered = [
        tf.gather(x, tf.tensor1d([3, 0, 3], 'int32')),
        tf.gather(
          x,
          tf.tensor2d(
            [
              [1, 4],
              [2, 2],
            ],
            [2, 2],
            'int32',
          ),
          1,
        ),
        tf.gather(x, tf.tensor1d([5], 'int32'), -1),
        tf.cast(tf.gather(ids, tf.tensor1d([5, 1], 'int32'), 2), 'float32'),
      ];
      return [...unstacked, ...stacked, ...tiled, tf.cast(tf.stack(tf.unstack(ids, 2), 0), 'float32'), ...gathered];
    });
    expect(native.length).toBe(reference.length);
    reference.forEach((values, index) =>
      expect(Array.from(native[index] ?? []), `output ${index}`).toEqual(Array.from(values)),
    );
  });

  it("rejects out-of-range gather indices with TF.js's message", () => {
    expect(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([3], 'int32')))).toThrow(
      /index value 3 is not in \[0, 2\]/,
    );
  });

  it('matches TF.js transpose, slice and split exactly, float32, int32 and bool', async () => {
    const { reference, native } = await onBothBackends(() => {
      const x = random([6, 7, 8, 9], 17);
      const ids = tf.randomUniform([33, 70], 0, 9, 'int32', 18);
      return [
        tf.transpose(x, [0, 2, 1, 3]),
        tf.transpose(x, [3, 2, 1, 0]),
        tf.transpose(tf.reshape(x, [42, 72])),
        tf.cast(tf.transpose(ids), 'float32'),
        tf.cast(tf.transpose(tf.greater(x, 0), [1, 0, 3, 2]), 'float32'),
        tf.transpose(random([3, 37, 45], 24), [0, 2, 1]),
        tf.transpose(random([2, 16, 5, 32], 25), [0, 2, 1, 3]),
        tf.slice(x, [1, 2, 3, 4], [4, 5, 5, 5]),
        tf.slice(x, [0, 0, 0, 1], [-1, -1, -1, 8]),
        tf.cast(tf.slice(ids, [3, 10], [20, 60]), 'float32'),
        ...tf.split(tf.reshape(x, [42, 72]), [32, 40], 1),
        ...tf.split(x, 3, 0),
        ...tf.split(x, [2, -1], 2),
      ];
    });
    expect(native.length).toBe(reference.length);
    reference.forEach((values, index) =>
      expect(Array.from(native[index] ?? []), `output ${index}`).toEqual(Array.from(values)),
    );
  });

  it('matches TF.js add, sub, mul, div with broadcasting and sums over blocks of axes (1e-6 relative)', async () => {
    const { reference, native } = await onBothBackends(() => {
      const x = random([16, 300], 19);
      const row = random([1, 300], 20);
      const column = tf.add(random([16, 1], 21), 2);
      const cube = random([5, 40, 33], 22);
      return [
        tf.add(x, row),
        tf.sub(x, column),
        tf.mul(column, x),
        tf.div(x, column),
        tf.div(row, tf.add(tf.abs(x), 1)),
        tf.sub(cube, random([40, 1], 23)),
        tf.add(x, tf.mul(x, 2)),
        tf.div(tf.tensor1d(Array.from({ length: 5000 }, (_, index) => index - 2500)), tf.fill([5000], 0)),
        tf.sum(cube),
        tf.sum(cube, 0),
        tf.sum(cube, [1, 2]),
        tf.sum(cube, -1, true),
        tf.sum(cube, 1),
        tf.sum(cube, [0, 1], true),
        tf.max(cube, -1, true),
        tf.max(cube, 0),
        tf.max(cube),
        tf.max(tf.concat([cube, tf.fill([1, 40, 33], Number.NaN)]), 0),
      ];
    });
    expect(native.length).toBe(reference.length);
    reference.forEach((values, index) => {
      try {
        expectClose(native[index] ?? [], values, { absolute: 1e-5, relative: 1e-6 });
      } catch (error) {
        throw new Error(`output ${index}: ${(error as Error).message}`);
      }
    });
  });

  for (const simd of ['avx2+fma', 'scalar'] as const) {
    it.skipIf(simd === 'avx2+fma' && bestSimd === 'scalar')(
      `matches TF.js on the ${simd} code path too (matmul 1e-5, exp/tanh/softmax 1e-6 relative, erf 5e-7)`,
      async () => {
        const lowered = registerNativeKernels({ backend: 'wasm', simd, log: null });
        try {
          expect(lowered.simd).toBe(simd);
          const { reference, native } = await onBothBackends(() => {
            const x = tf.mul(random([2000], 26), 20);
            return [
              tf.matMul(random([45, 70], 27), random([53, 70], 28), false, true),
              tf.matMul(random([3, 19, 33], 29), random([3, 33, 41], 30)),
              tf.exp(x),
              tf.tanh(x),
              tf.softmax(tf.reshape(x, [16, 125])),
              tf.erf(tf.div(x, 5)),
            ];
          });
          for (let index = 0; index < 2; index++)
            expectClose(native[index] ?? [], reference[index] ?? [], { absolute: 1e-5, relative: 1e-5 });
          for (let index = 2; index < 5; index++)
            expectClose(native[index] ?? [], reference[index] ?? [], { absolute: 1e-7, relative: 1e-6 });
          expectClose(native[5] ?? [], reference[5] ?? [], { absolute: 5e-7, relative: 0 });
        } finally {
          registerNativeKernels({ backend: 'wasm', simd: bestSimd, log: null }); // back to the CPU's best
        }
      },
    );
  }

  it('gives softmax and tanh gradients that match TF.js within 1e-5', async () => {
    const { reference, native } = await onBothBackends(() => {
      const x = tf.mul(random([16, 128], 8), 4);
      const weights = random([16, 128], 9);
      const gradSoftmax = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.softmax(input), weights)))(x);
      const gradTanh = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.tanh(input), weights)))(x);
      return [gradSoftmax, gradTanh];
    });
    expectClose(native[0] ?? [], reference[0] ?? [], { absolute: 1e-6, relative: 1e-5 });
    expectClose(native[1] ?? [], reference[1] ?? [], { absolute: 1e-6, relative: 1e-5 });
  });

  it('hands int32 matmuls and small tensors back to the original kernels', async () => {
    // wasm's own BatchMatMul rejects int32: seeing its message proves the call was handed back.
    expect(() =>
      tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]], [1, 2], 'int32'), tf.tensor2d([[5], [6]], [2, 1], 'int32'))),
    ).toThrow(/non-float32/);
    // Declined calls must not leave an allocated output behind.
    const dataIds = (): number => tf.backend().numDataIds(); // the backend's own count: a leaked makeOutput shows only here
    const before = tf.memory();
    const idsBefore = dataIds();
    tf.dispose(
      tf.tidy(() => [
        tf.equal(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 0, 3])),
        tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4])),
        tf.add(tf.ones([3]), 1),
      ]),
    );
    expect(tf.memory().numBytes).toBe(before.numBytes);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(dataIds()).toBe(idsBefore);
    const small = tf.exp(tf.tensor1d([0, 1]));
    expectClose(await small.data(), [1, Math.E], { absolute: 0, relative: 1e-6 });
    small.dispose();
  });

  it("declares fast batched products for wasm through core's flag while the native BatchMatMul serves it", () => {
    // the transformer's attention reads the same flag (@normfree/core/tfjs) to take the batched path
    expect(tf.env().getFlags()[fastBatchedProductsFlag]).toBe('wasm');
    expect(fastBatchedProducts()).toBe(true);
  });

  it('leaks no tensors and no wasm memory across a forward and backward pass', () => {
    const step = (): void => {
      tf.tidy(() => {
        const a = random([64, 96], 10);
        const b = random([96, 80], 11);
        return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.softmax(tf.tanh(tf.matMul(x, y)))))([a, b]);
      }).forEach((gradient) => gradient.dispose());
    };
    step();
    const before = tf.memory();
    const idsBefore = tf.backend().numDataIds();
    for (let index = 0; index < 3; index++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(tf.backend().numDataIds()).toBe(idsBefore);
  });
});

describe('fallback when native kernels cannot be used', () => {
  it('leaves no fast-batched-products declaration behind after unregisterNativeKernels (the block above ran it)', () => {
    // undefined when the addon is missing (the flag was never registered), '' once withdrawn
    expect(tf.env().getFlags()[fastBatchedProductsFlag] ?? '').toBe('');
  });

  it('reports a missing addon with a reason instead of throwing', () => {
    const result = loadAddon({ path: '/nonexistent/normfree_native.node' });
    expect(result.addon).toBeNull();
    expect('reason' in result ? result.reason : '').toBe('no addon at /nonexistent/normfree_native.node');
  });

  it('refuses backends other than wasm and says why', () => {
    const messages: string[] = [];
    const status = registerNativeKernels({ backend: 'cpu' as 'wasm', log: (message) => messages.push(message) });
    expect(status).toMatchObject({ enabled: false, kernels: [], simd: null });
    expect(status.reason).toMatch(/only 'wasm'/);
    expect(messages[0]).toMatch(/plain wasm/);
  });

  it('is disabled by NORMFREE_NATIVE=0 and the plain wasm kernels keep working', async () => {
    const saved = process.env['NORMFREE_NATIVE'];
    process.env['NORMFREE_NATIVE'] = '0';
    try {
      expect(loadAddon({ fresh: true }).addon).toBeNull();
      const status = registerNativeKernels({ backend: 'wasm', log: null });
      expect(status.enabled).toBe(false);
      expect(status.reason).toMatch(/NORMFREE_NATIVE=0/);
      const previous = tf.getBackend();
      await tf.setBackend('wasm');
      const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
      expect(Array.from(await product.data())).toEqual([11]);
      product.dispose();
      await tf.setBackend(previous);
    } finally {
      if (saved === undefined) delete process.env['NORMFREE_NATIVE'];
      else process.env['NORMFREE_NATIVE'] = saved;
      loadAddon({ fresh: true });
    }
  });
});
