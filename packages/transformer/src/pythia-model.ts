/**
 * A Pythia-style (GPT-NeoX) decoder for the paper's Pythia-70M rows: parallel residual
 * x + Attn(LN1(x)) + MLP(LN2(x)), rotary position embedding on `rotaryPct` of each head's dims, a
 * fused QKV projection and biases on every linear, an untied output head, and a final LayerNorm that
 * stays when the blocks' LNs are removed (`norm: 'none'`). Variables carry HF GPT-NeoX state-dict
 * names and HF `nn.Linear` layouts (weights (out, in), applied as x @ Wᵀ + b).
 *
 * The authors never published their Pythia code (paper-reference §3.8, §2 item 12): this follows the
 * public `EleutherAI/pythia-70m` configuration, with LN removal done like the authors' GPT-2 (block
 * LNs become identities, the final LN stays) [inference]. Embedding dropout uses config.embdDropout
 * like the GPT-2 model (GPT-NeoX's own hidden_dropout is 0: set embdDropout 0 to match it).
 *
 * References:
 * 1. Biderman et al., "Pythia: A Suite for Analyzing Large Language Models", arXiv 2304.01373.
 * 2. HF transformers `modeling_gpt_neox.py` (`GPTNeoXLayer`, `GPTNeoXAttention`, `GPTNeoXMLP`).
 * 3. paper-reference §3.8 (the configuration), §2 item 1 (what "LN-free" removes).
 */
import { createActivations } from '@normfree/activations';
import type { ForwardOptions, LanguageModel, ModelConfig } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { causalLmOutputs } from './causal-lm-outputs.js';
import { checkInputIds } from './forward-input.js';
import type { CreateModelOptions } from './gpt2-model.js';
import { causalAttention } from './ops/causal-attention.js';
import { embedding } from './ops/embedding.js';
import { layerNorm } from './ops/layer-norm.js';
import { linear } from './ops/matmul.js';
import { applyRotary } from './ops/rotary.js';
import { createEmbeddingDropout } from './embedding-dropout.js';
import { createLayerNormParameters, type LayerNormParameters } from './layer-norm-parameters.js';
import { createParameterStore } from './parameter-store.js';

type Matrix = tf.Variable<tf.Rank.R2>;
type Vector = tf.Variable<tf.Rank.R1>;
/** An `nn.Linear`: weight (out, in), bias (out,). */
interface Dense {
  readonly weight: Matrix;
  readonly bias: Vector;
}
interface Layer {
  readonly ln1?: LayerNormParameters;
  readonly ln2?: LayerNormParameters;
  readonly qkv: Dense; // (3d, d)
  readonly dense: Dense; // (d, d)
  readonly up: Dense; // (nInner, d)
  readonly down: Dense; // (d, nInner)
}

/** x @ Wᵀ + b for an HF `nn.Linear` (W stored (out, in)); the transpose is explicit (toolchain.md §11.3). */
const applyDense = (x: tf.Tensor2D, dense: Dense): tf.Tensor2D => linear(x, tf.transpose(dense.weight), dense.bias); // (N, in) @ (in, out) + (out,)

/**
 * Build the Pythia-style model (config.family must be 'pythia').
 *
 * @param config - a validated {@link ModelConfig} with `pythia` options.
 * @param options.seed - init seed.
 * @returns a {@link LanguageModel}; the caller owns it and must `dispose()` it.
 */
export function createPythiaModel(config: ModelConfig, options: CreateModelOptions): LanguageModel {
  const pythia = config.pythia;
  if (config.family !== 'pythia' || pythia === undefined)
    throw new Error(`createPythiaModel: config.family must be 'pythia' with pythia options, got '${config.family}'`);
  const { vocabSize: V, nEmbd: d, nInner, nLayer, nHead, initStd: std, layerNormEpsilon: eps } = config;
  const headDim = d / nHead;
  const rotaryDims = Math.floor(headDim * pythia.rotaryPct);
  const store = createParameterStore({ seed: options.seed });
  const activations = createActivations(config.activation, {
    nLayer,
    seed: options.seed,
    layerPrefix: (layer) => `gpt_neox.layers.${layer}.mlp.act.`,
    sharedPrefix: 'gpt_neox.act.',
  });

  const embedIn = store.normal<tf.Rank.R2>('gpt_neox.embed_in.weight', [V, d], { std, decay: true }); // (V, d)
  const layerNormParameters = (name: string): LayerNormParameters => createLayerNormParameters(store, name, d);
  const embeddingDropout = createEmbeddingDropout({ rate: config.embdDropout, seed: options.seed });
  const dense = (name: string, outputs: number, inputs: number): Dense => ({
    weight: store.normal<tf.Rank.R2>(`${name}.weight`, [outputs, inputs], { std, decay: true }),
    bias: store.constant<tf.Rank.R1>(`${name}.bias`, [outputs], { value: 0, decay: false }),
  });
  const layers: Layer[] = [];
  for (let layer = 0; layer < nLayer; layer++) {
    const prefix = `gpt_neox.layers.${layer}`;
    const norms =
      config.norm === 'layernorm'
        ? {
            ln1: layerNormParameters(`${prefix}.input_layernorm`),
            ln2: layerNormParameters(`${prefix}.post_attention_layernorm`),
          }
        : {}; // norm 'none': identities, as in the authors' GPT-2 (§2 item 1) [inference for Pythia]
    const qkv = dense(`${prefix}.attention.query_key_value`, 3 * d, d);
    const attentionDense = dense(`${prefix}.attention.dense`, d, d);
    const up = dense(`${prefix}.mlp.dense_h_to_4h`, nInner, d);
    const down = dense(`${prefix}.mlp.dense_4h_to_h`, d, nInner);
    for (const parameter of activations.layers[layer]!.parameters) store.adopt(parameter);
    layers.push({ ...norms, qkv, dense: attentionDense, up, down });
  }
  for (const parameter of activations.sharedParameters) store.adopt(parameter);
  const finalNorm = layerNormParameters('gpt_neox.final_layer_norm'); // kept in 'layernorm' and 'none'
  let embedOut: Matrix;
  if (config.tiedEmbeddings) {
    store.alias('embed_out.weight', 'gpt_neox.embed_in.weight');
    embedOut = embedIn;
  } else {
    embedOut = store.normal<tf.Rank.R2>('embed_out.weight', [V, d], { std, decay: true }); // (V, d), untied (Pythia)
  }

  /** Embedding, layers, final LN: ids (B, T) -> (B·T, d). */
  const hidden = (inputIds: tf.Tensor2D, forwardOptions: ForwardOptions): tf.Tensor2D => {
    const { batchSize: B, seqLen: T } = checkInputIds(inputIds, config.blockSize);
    let x = embedding(embedIn, tf.reshape(inputIds, [B * T])); // (B·T, d); positions come from the rotary embedding
    x = embeddingDropout.apply(x, forwardOptions); // (B·T, d); training forwards only
    layers.forEach((layer, index) => {
      x = tf.tidy(() => {
        // one tidy per layer, as in gpt2-model.ts
        const attentionInput = layer.ln1 === undefined ? x : layerNorm(x, layer.ln1.weight, layer.ln1.bias, eps); // (B·T, d)
        // GPT-NeoX's fused layout: (B·T, 3d) viewed as (B·T, nh, 3·hs), q | k | v inside each head
        const qkv = tf.reshape(applyDense(attentionInput, layer.qkv), [B * T, nHead, 3, headDim]); // (B·T, nh, 3, hs)
        const [q, k, v] = tf
          .unstack(tf.transpose(qkv, [2, 0, 1, 3]))
          .map((part) => tf.reshape(part, [B * T, d]) as tf.Tensor2D) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]; // 3 × (B·T, d)
        const rotary = { batchSize: B, seqLen: T, nHead, rotaryDims, base: pythia.rotaryBase };
        const observer = forwardOptions.observer;
        const attended = causalAttention(applyRotary(q, rotary), applyRotary(k, rotary), v, {
          batchSize: B,
          seqLen: T,
          nHead,
          onProbabilities: observer === undefined ? undefined : (probs) => observer.onAttention(index, probs),
          onLogits:
            observer?.onAttentionLogits === undefined
              ? undefined
              : (logits) => observer.onAttentionLogits?.(index, logits),
          fp16Overflow: forwardOptions.fp16AttentionOverflow,
        }); // (B·T, d)
        const attentionOutput = applyDense(attended, layer.dense); // (B·T, d)
        const mlp = (input: tf.Tensor2D): tf.Tensor2D =>
          applyDense(activations.layers[index]!.apply(applyDense(input, layer.up)) as tf.Tensor2D, layer.down); // (B·T, d) -> (B·T, nInner) -> (B·T, d)
        const norm2 = (input: tf.Tensor2D): tf.Tensor2D =>
          layer.ln2 === undefined ? input : layerNorm(input, layer.ln2.weight, layer.ln2.bias, eps);
        if (pythia.parallelResidual) {
          x = tf.add(tf.add(x, attentionOutput), mlp(norm2(x))); // x + Attn(LN1(x)) + MLP(LN2(x))
        } else {
          x = tf.add(x, attentionOutput); // sequential: x + Attn(LN1(x)), then + MLP(LN2(·))
          x = tf.add(x, mlp(norm2(x)));
        }
        return x;
      });
    });
    return layerNorm(x, finalNorm.weight, finalNorm.bias, eps); // (B·T, d)
  };
  const head = (states: tf.Tensor2D): tf.Tensor2D => linear(states, tf.transpose(embedOut)); // (N, d) @ (d, V) -> (N, V), no bias

  return {
    specificationVersion: 'v1',
    config,
    parameters: store.parameters,
    ...causalLmOutputs(hidden, head, embedOut, d, V),
    slopes: () => activations.slopes(),
    stateDict: () => store.stateDict(),
    loadStateDict: (values, loadOptions) => store.loadStateDict(values, loadOptions),
    dispose: () => {
      store.dispose();
      activations.dispose();
    },
  };
}
