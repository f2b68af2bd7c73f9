/**
 * The fused kernels of `@normfree/core/tfjs` (`fusedKernelNames`), served natively on wasm: the LM
 * head's softmax cross-entropy, exact GELU, LayerNorm, attention's causal softmax and the softmax
 * backward, each one pass over the heap instead of 4-10 TF.js kernels with their temporaries. wasm has
 * no kernels of these names, so they are registered new (no original to hand a call back to): an
 * input they cannot serve is an error naming the kernel and the input. Also a zero-copy `Identity`
 * (TF.js clones every tensor a custom op saves for its backward; wasm's Identity copies the data,
 * the cpu backend's shares it with a reference count, as this one does).
 */
import { fusedKernelNames, type FusedKernel } from '@normfree/core/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernel, NativeKernelArgs } from './native-kernel.js';
import { heap, offsetOf, sizeOf, type WasmBackendLike } from './wasm-heap.js';

/** Op codes of the addon's `fused()` (native/addon.cc). */
const fusedOps = {
  geluErf: 0,
  geluErfGrad: 1,
  layerNorm: 2,
  layerNormGrad: 3,
  causalSoftmax: 4,
  softmaxGrad: 5,
  adamW: 6,
} as const;

function input(
  args: NativeKernelArgs,
  kernel: FusedKernel,
  name: string,
  dtype: 'float32' | 'int32' = 'float32',
): TensorInfo {
  const tensor = args.inputs[name];
  if (tensor === undefined) throw new Error(`${fusedKernelNames[kernel]}: missing input '${name}'`);
  if (tensor.dtype !== dtype)
    throw new Error(`${fusedKernelNames[kernel]}: input '${name}' must be ${dtype}, got ${tensor.dtype}`);
  return tensor;
}

function numberAttr(args: NativeKernelArgs, kernel: FusedKernel, name: string): number {
  const value = args.attrs[name];
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(
      `${fusedKernelNames[kernel]}: attribute '${name}' must be a finite number, got ${JSON.stringify(value) ?? 'undefined'}`,
    );
  return value;
}

function rowsAndCols(kernel: FusedKernel, tensor: TensorInfo, name: string): [number, number] {
  const cols = tensor.shape[tensor.shape.length - 1];
  if (tensor.shape.length < 1 || cols === undefined || cols === 0)
    throw new Error(
      `${fusedKernelNames[kernel]}: input '${name}' needs a non-empty last axis, got [${tensor.shape.join(', ')}]`,
    );
  return [sizeOf(tensor.shape) / cols, cols];
}

function sameShape(kernel: FusedKernel, a: TensorInfo, b: TensorInfo, names: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((size, index) => size !== b.shape[index])) {
    throw new Error(
      `${fusedKernelNames[kernel]}: ${names} must have the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
    );
  }
}

/** Offsets are read after every output is allocated: an allocation may grow (and move) the heap. */
const offsets = (backend: WasmBackendLike, tensors: readonly TensorInfo[]): number[] =>
  tensors.map((tensor) => offsetOf(backend, tensor));

function fusedKernel(kernel: FusedKernel, run: (args: NativeKernelArgs) => TensorInfo | TensorInfo[]): NativeKernel {
  return { kernelName: fusedKernelNames[kernel], run };
}

export const softmaxCrossEntropyKernel = fusedKernel('softmaxCrossEntropy', (args) => {
  const { backend, addon } = args;
  const logits = input(args, 'softmaxCrossEntropy', 'logits');
  const labels = input(args, 'softmaxCrossEntropy', 'labels', 'int32');
  const [rows, classes] = rowsAndCols('softmaxCrossEntropy', logits, 'logits');
  if (sizeOf(labels.shape) !== rows)
    throw new Error(
      `${fusedKernelNames.softmaxCrossEntropy}: ${rows} rows of logits but ${sizeOf(labels.shape)} labels`,
    );
  const loss = backend.makeOutput(logits.shape.slice(0, -1), 'float32');
  const probs = backend.makeOutput([...logits.shape], 'float32');
  const [logitsAt, labelsAt, lossAt, probsAt] = offsets(backend, [logits, labels, loss, probs]);
  addon.softmaxCrossEntropy(heap(backend), rows, classes, logitsAt!, labelsAt!, lossAt!, probsAt!);
  return [loss, probs];
});

export const softmaxCrossEntropyGradKernel = fusedKernel('softmaxCrossEntropyGrad', (args) => {
  const { backend, addon } = args;
  const probs = input(args, 'softmaxCrossEntropyGrad', 'probs');
  const labels = input(args, 'softmaxCrossEntropyGrad', 'labels', 'int32');
  const dloss = input(args, 'softmaxCrossEntropyGrad', 'dloss');
  const [rows, classes] = rowsAndCols('softmaxCrossEntropyGrad', probs, 'probs');
  if (sizeOf(labels.shape) !== rows || sizeOf(dloss.shape) !== rows) {
    throw new Error(
      `${fusedKernelNames.softmaxCrossEntropyGrad}: ${rows} rows of probs but ${sizeOf(labels.shape)} labels and ${sizeOf(dloss.shape)} dloss values`,
    );
  }
  const dlogits = backend.makeOutput([...probs.shape], 'float32');
  const [probsAt, labelsAt, dlossAt, dlogitsAt] = offsets(backend, [probs, labels, dloss, dlogits]);
  addon.softmaxCrossEntropyGrad(heap(backend), rows, classes, probsAt!, labelsAt!, dlossAt!, dlogitsAt!);
  return dlogits;
});

export const geluErfKernel = fusedKernel('geluErf', (args) => {
  const { backend, addon } = args;
  const x = input(args, 'geluErf', 'x');
  const y = backend.makeOutput([...x.shape], 'float32');
  addon.fused(heap(backend), fusedOps.geluErf, Float64Array.of(sizeOf(x.shape), ...offsets(backend, [x, y])));
  return y;
});

export const geluErfGradKernel = fusedKernel('geluErfGrad', (args) => {
  const { backend, addon } = args;
  const x = input(args, 'geluErfGrad', 'x');
  const dy = input(args, 'geluErfGrad', 'dy');
  sameShape('geluErfGrad', x, dy, "'x' and 'dy'");
  const dx = backend.makeOutput([...x.shape], 'float32');
  addon.fused(heap(backend), fusedOps.geluErfGrad, Float64Array.of(sizeOf(x.shape), ...offsets(backend, [x, dy, dx])));
  return dx;
});

export const layerNormKernel = fusedKernel('layerNorm', (args) => {
  const { backend, addon } = args;
  const x = input(args, 'layerNorm', 'x');
  const gain = input(args, 'layerNorm', 'gain');
  const bias = input(args, 'layerNorm', 'bias');
  const epsilon = numberAttr(args, 'layerNorm', 'epsilon');
  const [rows, cols] = rowsAndCols('layerNorm', x, 'x');
  if (sizeOf(gain.shape) !== cols || sizeOf(bias.shape) !== cols)
    throw new Error(
      `${fusedKernelNames.layerNorm}: gain and bias need ${cols} values, got ${sizeOf(gain.shape)} and ${sizeOf(bias.shape)}`,
    );
  const y = backend.makeOutput([...x.shape], 'float32');
  const normed = backend.makeOutput([...x.shape], 'float32');
  const invStd = backend.makeOutput([...x.shape.slice(0, -1), 1], 'float32');
  const [xAt, gainAt, biasAt, yAt, normedAt, invStdAt] = offsets(backend, [x, gain, bias, y, normed, invStd]);
  addon.fused(
    heap(backend),
    fusedOps.layerNorm,
    Float64Array.of(rows, cols, xAt!, gainAt!, biasAt!, epsilon, yAt!, normedAt!, invStdAt!),
  );
  return [y, normed, invStd];
});

export const layerNormGradKernel = fusedKernel('layerNormGrad', (args) => {
  const { backend, addon } = args;
  const dy = input(args, 'layerNormGrad', 'dy');
  const normed = input(args, 'layerNormGrad', 'normed');
  const invStd = input(args, 'layerNormGrad', 'invStd');
  const gain = input(args, 'layerNormGrad', 'gain');
  sameShape('layerNormGrad', dy, normed, "'dy' and 'normed'");
  const [rows, cols] = rowsAndCols('layerNormGrad', dy, 'dy');
  if (sizeOf(invStd.shape) !== rows || sizeOf(gain.shape) !== cols)
    throw new Error(
      `${fusedKernelNames.layerNormGrad}: invStd needs ${rows} values and gain ${cols}, got ${sizeOf(invStd.shape)} and ${sizeOf(gain.shape)}`,
    );
  const dx = backend.makeOutput([...dy.shape], 'float32');
  const dgain = backend.makeOutput([cols], 'float32');
  const dbias = backend.makeOutput([cols], 'float32');
  addon.fused(
    heap(backend),
    fusedOps.layerNormGrad,
    Float64Array.of(rows, cols, ...offsets(backend, [dy, normed, invStd, gain, dx, dgain, dbias])),
  );
  return [dx, dgain, dbias];
});

export const causalSoftmaxKernel = fusedKernel('causalSoftmax', (args) => {
  const { backend, addon } = args;
  const scores = input(args, 'causalSoftmax', 'scores');
  const scale = numberAttr(args, 'causalSoftmax', 'scale');
  const T = scores.shape[scores.shape.length - 1] ?? 0;
  if (scores.shape.length < 2 || scores.shape[scores.shape.length - 2] !== T || T === 0) {
    throw new Error(
      `${fusedKernelNames.causalSoftmax}: scores must end in two equal axes (…, T, T), got [${scores.shape.join(', ')}]`,
    );
  }
  const probs = backend.makeOutput([...scores.shape], 'float32');
  const [scoresAt, probsAt] = offsets(backend, [scores, probs]);
  addon.fused(
    heap(backend),
    fusedOps.causalSoftmax,
    Float64Array.of(sizeOf(scores.shape) / (T * T), T, scoresAt!, scale, probsAt!),
  );
  return probs;
});

export const softmaxGradKernel = fusedKernel('softmaxGrad', (args) => {
  const { backend, addon } = args;
  const probs = input(args, 'softmaxGrad', 'probs');
  const dprobs = input(args, 'softmaxGrad', 'dprobs');
  const scale = numberAttr(args, 'softmaxGrad', 'scale');
  sameShape('softmaxGrad', probs, dprobs, "'probs' and 'dprobs'");
  const [rows, cols] = rowsAndCols('softmaxGrad', probs, 'probs');
  const out = backend.makeOutput([...probs.shape], 'float32');
  const [probsAt, dprobsAt, outAt] = offsets(backend, [probs, dprobs, out]);
  addon.fused(heap(backend), fusedOps.softmaxGrad, Float64Array.of(rows, cols, probsAt!, dprobsAt!, scale, outAt!));
  return out;
});

/** The AdamW attributes after the two flags, in the order of the addon's parameters. */
const adamWScalars = [
  'beta1',
  'beta2',
  'epsilon',
  'stepSize',
  'decayRate',
  'sqrtBias2',
  'lrOverBias1',
  'keep',
] as const;

export const adamWKernel = fusedKernel('adamW', (args) => {
  const { backend, addon } = args;
  const param = input(args, 'adamW', 'param');
  const first = input(args, 'adamW', 'first');
  const second = input(args, 'adamW', 'second');
  const gradient = input(args, 'adamW', 'gradient');
  for (const [name, tensor] of [
    ['first', first],
    ['second', second],
    ['gradient', gradient],
  ] as const)
    sameShape('adamW', param, tensor, `'param' and '${name}'`);
  const [beta1, beta2, epsilon, stepSize, decayRate, sqrtBias2, lrOverBias1, keep] = adamWScalars.map((name) =>
    numberAttr(args, 'adamW', name),
  ) as [number, number, number, number, number, number, number, number];
  const outputs = [0, 1, 2].map(() => backend.makeOutput([...param.shape], 'float32'));
  const flags = [args.attrs['torchRule'] === true ? 1 : 0, args.attrs['decay'] === true ? 1 : 0];
  // 1 − β as the composed update writes them (tf.mul(g, 1 − beta1)): computed in double, rounded once in the addon.
  addon.fused(
    heap(backend),
    fusedOps.adamW,
    Float64Array.of(
      sizeOf(param.shape),
      ...offsets(backend, [param, first, second, gradient, ...outputs]),
      ...flags,
      beta1,
      1 - beta1,
      beta2,
      1 - beta2,
      epsilon,
      stepSize,
      decayRate,
      sqrtBias2,
      lrOverBias1,
      keep,
    ),
  );
  return outputs;
});

/** Every fused kernel, for registration. */
export const fusedKernels: readonly NativeKernel[] = [
  softmaxCrossEntropyKernel,
  softmaxCrossEntropyGradKernel,
  geluErfKernel,
  geluErfGradKernel,
  layerNormKernel,
  layerNormGradKernel,
  causalSoftmaxKernel,
  softmaxGradKernel,
  adamWKernel,
];

/**
 * Zero-copy `Identity`: the output shares the input's data with a reference count, as the wasm
 * backend's own `Reshape` and the cpu backend's `Identity` do (tensors are immutable; a variable's
 * assign swaps its data rather than writing into it). Strings go back to the original kernel.
 */
export const identityKernel: NativeKernel = {
  kernelName: 'Identity',
  run({ inputs, backend }) {
    const x = inputs['x'];
    const counted = backend as WasmBackendLike & { incRef?: (dataId: object) => void };
    if (x === undefined || x.dtype === 'string' || typeof counted.incRef !== 'function') return null;
    counted.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  },
};
