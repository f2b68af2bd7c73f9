/**
 * Fakes for tests of the trainer and of packages that drive it: a tiny causal language model that
 * implements core's `LanguageModel` (vercel/ai `MockLanguageModel` style: it records its calls).
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  createRandom,
  resolveModelConfig,
  type ForwardOptions,
  type LanguageModel,
  type NamedParameter,
} from '@normfree/core';

export interface FakeLanguageModelOptions {
  readonly vocabSize: number;
  readonly seqLen: number;
  /** Width of the embedding (default 8). */
  readonly width?: number;
  /** Seed of the N(0, 0.02)-style init (default 0). */
  readonly seed?: number;
  /** Give the model one learnable leaky-ReLU slope (initial 0.01), so `slopes()` is not empty. */
  readonly learnableSlope?: boolean;
  /** `loss()` returns NaN from this call on (1-based), to test divergence. */
  readonly nanLossFromCall?: number;
  /** Embedding dropout in training mode (default 0.1, the authors' value). */
  readonly dropout?: number;
}

export interface FakeLanguageModel extends LanguageModel {
  /** Every forward/loss call's options (training flag, dropout seed, observer present). */
  readonly calls: {
    readonly method: 'forward' | 'loss';
    readonly training: boolean;
    readonly dropoutSeed: number | undefined;
    readonly observed: boolean;
  }[];
}

/**
 * A one-layer, one-head causal model: x = dropout(E[ids] + P), one attention pattern
 * softmax(mask(x xᵀ/√d)) reported to the observer and used to mix x, an optional leaky ReLU with a
 * learnable slope, then logits = h U + b. Parameters are named like the authors' state dict where a
 * counterpart exists, and `decay` follows their groups (matrices decay, the bias does not).
 *
 * @returns a model that owns its variables; call `dispose()`.
 */
export function createFakeLanguageModel(options: FakeLanguageModelOptions): FakeLanguageModel {
  const { vocabSize, seqLen } = options;
  const width = options.width ?? 8;
  const dropout = options.dropout ?? 0.1;
  const random = createRandom(options.seed ?? 0);
  const normal = (shape: number[]): tf.Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    // Box–Muller from the seeded PRNG, so the fake is identical on every backend
    const values = Float32Array.from(
      { length: size },
      () => 0.5 * Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next()),
    );
    return tf.tensor(values, shape);
  };
  const config = resolveModelConfig({
    vocabSize,
    blockSize: seqLen,
    nLayer: 1,
    nHead: 1,
    nEmbd: width,
    embdDropout: dropout,
  });
  // tf.variable shares its initial tensor's data; the tidy frees the initial tensors themselves
  const parameters: NamedParameter[] = tf.tidy(() => [
    { name: 'transformer.wte.weight', variable: tf.variable(normal([vocabSize, width])), decay: true },
    { name: 'transformer.wpe.weight', variable: tf.variable(normal([seqLen, width])), decay: true },
    { name: 'lm_head.weight', variable: tf.variable(normal([width, vocabSize])), decay: true },
    { name: 'lm_head.bias', variable: tf.variable(tf.zeros([vocabSize])), decay: false },
    ...(options.learnableSlope === true
      ? [{ name: 'transformer.h.0.mlp.act.slopes', variable: tf.variable(tf.fill([1], 0.01)), decay: true }]
      : []),
  ]);
  const [wte, wpe, head, bias, slope] = parameters.map((parameter) => parameter.variable) as [
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable,
    tf.Variable | undefined,
  ];
  const calls: FakeLanguageModel['calls'] = [];
  let lossCalls = 0;

  const logitsOf = (ids: tf.Tensor2D, forward: ForwardOptions): tf.Tensor3D =>
    tf.tidy(() => {
      const [batchSize, length] = ids.shape;
      if (length > seqLen) throw new RangeError(`fake model: sequence length ${length} exceeds blockSize ${seqLen}`);
      const oneHot = tf.oneHot(tf.reshape(ids, [-1]), vocabSize); // (B·T, V)
      let x = tf.add(
        tf.reshape(tf.matMul(oneHot, wte), [batchSize, length, width]),
        tf.slice(wpe, [0, 0], [length, width]),
      ); // (B, T, C)
      if (forward.training && dropout > 0) x = tf.dropout(x, dropout, undefined, forward.dropoutSeed);
      const scores = tf.div(tf.matMul(x, x, false, true), Math.sqrt(width)); // (B, T, T)
      const logitsMask = tf.linalg.bandPart(tf.ones([length, length]), -1, 0); // (T, T) lower triangle
      const masked = tf.where(tf.cast(logitsMask, 'bool'), scores, tf.fill(scores.shape, -1e9)); // (B, T, T)
      const probs = tf.softmax(masked); // (B, T, T) rows sum to 1
      forward.observer?.onAttentionLogits?.(0, tf.reshape(scores, [batchSize, 1, length, length]) as tf.Tensor4D);
      forward.observer?.onAttention(0, tf.reshape(probs, [batchSize, 1, length, length]) as tf.Tensor4D);
      let h = tf.add(x, tf.matMul(probs, x)); // (B, T, C)
      if (slope !== undefined) h = tf.prelu(h, slope); // learnable negative slope
      const flat = tf.add(tf.matMul(tf.reshape(h, [-1, width]), head), bias); // (B·T, V)
      return tf.reshape(flat, [batchSize, length, vocabSize]) as tf.Tensor3D; // (B, T, V)
    });

  const model: FakeLanguageModel = {
    specificationVersion: 'v1',
    config,
    parameters,
    calls,
    forward(ids, forward) {
      calls.push({
        method: 'forward',
        training: forward.training,
        dropoutSeed: forward.dropoutSeed,
        observed: forward.observer !== undefined,
      });
      return logitsOf(ids, forward);
    },
    loss(ids, forward) {
      calls.push({
        method: 'loss',
        training: forward.training,
        dropoutSeed: forward.dropoutSeed,
        observed: forward.observer !== undefined,
      });
      lossCalls += 1;
      return tf.tidy(() => {
        const [batchSize, length] = ids.shape;
        const logits = logitsOf(ids, forward); // (B, T, V)
        const predictions = tf.reshape(tf.slice(logits, [0, 0, 0], [batchSize, length - 1, vocabSize]), [
          -1,
          vocabSize,
        ]); // (B·(T−1), V)
        const targets = tf.oneHot(tf.reshape(tf.slice(ids, [0, 1], [batchSize, length - 1]), [-1]), vocabSize); // (B·(T−1), V)
        const loss = tf.losses.softmaxCrossEntropy(targets, predictions) as tf.Scalar; // () mean over positions
        return options.nanLossFromCall !== undefined && lossCalls >= options.nanLossFromCall
          ? (tf.mul(loss, Number.NaN) as tf.Scalar)
          : loss;
      });
    },
    slopes() {
      return slope === undefined ? [] : Array.from(slope.dataSync());
    },
    stateDict() {
      return new Map(parameters.map((parameter) => [parameter.name, parameter.variable as tf.Tensor]));
    },
    loadStateDict(values, loadOptions) {
      for (const parameter of parameters) {
        const value = values.get(parameter.name);
        if (value === undefined) {
          if (loadOptions?.strict === false) continue;
          throw new RangeError(`fake model: state dict has no tensor '${parameter.name}'`);
        }
        if (value.shape.join(',') !== parameter.variable.shape.join(',')) {
          throw new RangeError(
            `fake model: '${parameter.name}' has shape [${value.shape.join(', ')}], expected [${parameter.variable.shape.join(', ')}]`,
          );
        }
        parameter.variable.assign(value);
      }
    },
    dispose() {
      for (const parameter of parameters) parameter.variable.dispose();
    },
  };
  return model;
}
