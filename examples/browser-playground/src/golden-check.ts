/**
 * The model's forward pass on the golden fixtures (fixtures/reference-tiny: the authors' PyTorch
 * model, float32), on whichever backend is current. The browser tests call it on webgl and on cpu
 * and compare both with the fixture; the page never loads it unless asked (a dynamic import).
 */
import { decodeSafetensors, type ActivationSpec, type ModelConfig } from '@normfree/core';
import { createModel } from '@normfree/transformer';
import * as tf from '@tensorflow/tfjs-core';

/** The part of `<name>.json` this check reads (see fixtures/reference-tiny/README.md). */
export interface GoldenOutputs {
  readonly config: {
    readonly vocab_size: number;
    readonly n_ctx: number;
    readonly n_positions: number;
    readonly n_layer: number;
    readonly n_head: number;
    readonly n_embd: number;
    readonly n_inner: number;
    readonly layer_norm_epsilon: number;
    readonly norm_type: 'ln' | 'free';
    readonly activation_function: 'gelu' | 'relu' | 'leaky_relu' | 'learnable_lrelu';
    readonly lrelu_neg_slope: number;
  };
  readonly input_ids: number[][];
  readonly loss: number;
}

export interface GoldenForward {
  readonly backend: string;
  /** (B·T·V) logits, flattened. */
  readonly logits: number[];
  readonly loss: number;
  /** Per layer, (B·nh·T·T) attention probabilities, flattened. */
  readonly attention: number[][];
}

function activationOf(config: GoldenOutputs['config']): ActivationSpec {
  switch (config.activation_function) {
    case 'gelu':
      return { kind: 'gelu' };
    case 'relu':
      return { kind: 'relu' };
    case 'leaky_relu':
      return { kind: 'leaky-relu', slope: config.lrelu_neg_slope };
    case 'learnable_lrelu':
      return { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: config.lrelu_neg_slope };
  }
}

/** The fixture's configuration as a normfree {@link ModelConfig} (dropout is off: eval mode). */
export function goldenModelConfig(outputs: GoldenOutputs): ModelConfig {
  const c = outputs.config;
  return {
    version: 1,
    family: 'gpt2',
    vocabSize: c.vocab_size,
    blockSize: c.n_ctx,
    nPositions: c.n_positions,
    nLayer: c.n_layer,
    nHead: c.n_head,
    nEmbd: c.n_embd,
    nInner: c.n_inner,
    norm: c.norm_type === 'ln' ? 'layernorm' : 'none',
    activation: activationOf(c),
    embdDropout: 0.1,
    initStd: 0.02,
    layerNormEpsilon: c.layer_norm_epsilon,
    tiedEmbeddings: true,
  };
}

/** Load `<base>.safetensors` into a fresh model and run its eval-mode forward pass and loss on the current backend. */
export async function goldenForward(safetensors: Uint8Array, outputs: GoldenOutputs): Promise<GoldenForward> {
  const file = decodeSafetensors(safetensors, 'golden fixture');
  const model = createModel(goldenModelConfig(outputs), { seed: 0 });
  try {
    const stateDict = new Map<string, tf.Tensor>();
    for (const [name, tensor] of file.tensors) {
      stateDict.set(
        name,
        tf.tensor(
          new Float32Array(tensor.bytes.buffer, tensor.bytes.byteOffset, tensor.bytes.byteLength / 4),
          [...tensor.shape],
          'float32',
        ),
      );
    }
    model.loadStateDict(stateDict);
    tf.dispose([...stateDict.values()]);
    const attention: tf.Tensor[] = [];
    const [logits, loss] = tf.tidy(() => {
      const ids = tf.tensor2d(outputs.input_ids, undefined, 'int32'); // (B, T)
      const forward = model.forward(ids, {
        training: false,
        observer: {
          onAttention: (layer, probs) => {
            attention[layer] = tf.keep(probs.clone());
          },
        },
      }); // (B, T, V)
      return [forward, model.loss(ids, { training: false })];
    });
    const result: GoldenForward = {
      backend: tf.getBackend(),
      logits: Array.from(await logits.data()),
      loss: (await loss.data())[0]!,
      attention: await Promise.all(attention.map(async (probs) => Array.from(await probs.data()))),
    };
    tf.dispose([logits, loss, ...attention]);
    return result;
  } finally {
    model.dispose();
  }
}
