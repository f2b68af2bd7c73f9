/**
 * The GPT-2 of "ReLU's Revival" exactly as the authors built it: HF `GPT2LMHeadModel` whose blocks
 * were replaced by `myGPT2Block` (Pre-LN, or LayerNorm-free with the final ln_f kept), a fused QK
 * projection with the only trainable bias, V / output / MLP linears with biases frozen at zero,
 * learned absolute positions, a tied LM head and embedding dropout. Variables carry the authors'
 * state-dict names, so their safetensors load directly.
 *
 * References:
 * 1. Jha & Reagen, "ReLU's Revival: On the Entropic Overload in Normalization-Free Large Language
 *    Models", arXiv 2410.09637 (docs: paper-reference.md).
 * 2. The authors' code, Nandan91/relu-revival-normfree b645688: normfree_transformers/model_utils.py
 *    (blocks :22-89, attention :92-238, MLP :240-274, MyConv1D :276-305, activations :307-363),
 *    run_clm.py:42-101 (config); paper-reference §2, §3, §12.
 * 3. HF transformers 4.30.2 `GPT2LMHeadModel` (embeddings, ln_f, tied head, shifted loss; §3.6).
 * 4. karpathy/nanoGPT model.py (3adf61e), the shape of this file.
 */
import { createActivations } from '@normfree/activations';
import type { ForwardOptions, LanguageModel, ModelConfig } from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { causalLmOutputs } from './causal-lm-outputs.js';
import { checkInputIds } from './forward-input.js';
import { causalAttention } from './ops/causal-attention.js';
import { checkpoint } from './ops/checkpoint.js';
import { embedding } from './ops/embedding.js';
import { layerNorm } from './ops/layer-norm.js';
import { linear, matmul } from './ops/matmul.js';
import { createEmbeddingDropout } from './embedding-dropout.js';
import { createLayerNormParameters, type LayerNormParameters } from './layer-norm-parameters.js';
import { createParameterStore } from './parameter-store.js';

/** Options of {@link createGpt2Model}. */
export interface CreateModelOptions {
  /**
   * Seed of every initial value (weights N(0, initStd)). Dropout masks use ForwardOptions.dropoutSeed;
   * training forwards without one draw from a stream seeded by this seed (embedding-dropout.ts).
   */
  readonly seed: number;
  /**
   * Recompute each block in the backward pass instead of keeping its activations (ops/checkpoint.ts;
   * same values, one more forward of the blocks). `'auto'` (the default) checkpoints a training
   * forward without an observer when B·T·d·nLayer ≥ 2^23 values (GPT-2 124M at batch 8 is 9.4 M;
   * the `laptop` preset's 2.1 M is not), where the activations, not the weights, fill memory.
   */
  readonly activationCheckpointing?: boolean | 'auto';
}

/** B·T·d·nLayer from which `'auto'` checkpoints the blocks (see CreateModelOptions). */
export const autoCheckpointValues = 2 ** 23;

type Matrix = tf.Variable<tf.Rank.R2>;
type Vector = tf.Variable<tf.Rank.R1>;
interface Block {
  readonly ln1?: LayerNormParameters;
  readonly ln2?: LayerNormParameters;
  readonly qkWeight: Matrix; // (d, 2d)
  readonly qkBias: Vector; // (2d,)
  readonly vWeight: Matrix; // (d, d)
  readonly attnProjWeight: Matrix; // (d, d)
  readonly fcWeight: Matrix; // (d, nInner)
  readonly mlpProjWeight: Matrix; // (nInner, d)
}

/**
 * Build the authors' GPT-2 (config.family must be 'gpt2').
 *
 * @param config - a validated {@link ModelConfig}.
 * @param options.seed - init seed.
 * @returns a {@link LanguageModel}; the caller owns it and must `dispose()` it.
 */
export function createGpt2Model(config: ModelConfig, options: CreateModelOptions): LanguageModel {
  if (config.family !== 'gpt2')
    throw new Error(`createGpt2Model: config.family must be 'gpt2', got '${config.family}'`);
  if (!config.tiedEmbeddings)
    throw new Error("createGpt2Model: the authors' GPT-2 ties the LM head to wte (tiedEmbeddings must be true)");
  const { vocabSize: V, nEmbd: d, nInner, nLayer, nHead, initStd: std, layerNormEpsilon: eps } = config;
  const store = createParameterStore({ seed: options.seed });
  const activations = createActivations(config.activation, { nLayer, seed: options.seed });

  // State-dict order of the reference (fixtures/reference-tiny/*.json `state_dict_names`).
  const wte = store.normal<tf.Rank.R2>('transformer.wte.weight', [V, d], { std, decay: true }); // (V, d)
  const wpe = store.normal<tf.Rank.R2>('transformer.wpe.weight', [config.nPositions, d], { std, decay: true }); // (nPositions, d); HF keeps 1024 rows (§3.1)
  const layerNormParameters = (name: string): LayerNormParameters => createLayerNormParameters(store, name, d);
  const embeddingDropout = createEmbeddingDropout({ rate: config.embdDropout, seed: options.seed });
  const blocks: Block[] = [];
  for (let layer = 0; layer < nLayer; layer++) {
    const prefix = `transformer.h.${layer}`;
    // norm 'none': ln_1 / ln_2 are nn.Identity and have no state (model_utils.py:35-37, §2 item 1)
    const norms =
      config.norm === 'layernorm'
        ? { ln1: layerNormParameters(`${prefix}.ln_1`), ln2: layerNormParameters(`${prefix}.ln_2`) }
        : {};
    const qkBias = store.constant<tf.Rank.R1>(`${prefix}.attn.qk_attn.bias`, [2 * d], { value: 0, decay: false }); // the only trainable bias (§2 item 3)
    const qkWeight = store.normal<tf.Rank.R2>(`${prefix}.attn.qk_attn.weight`, [d, 2 * d], { std, decay: true });
    store.frozenZeros(`${prefix}.attn.v_attn.bias`, [d]);
    const vWeight = store.normal<tf.Rank.R2>(`${prefix}.attn.v_attn.weight`, [d, d], { std, decay: true });
    store.frozenZeros(`${prefix}.attn.c_proj.bias`, [d]);
    const attnProjWeight = store.normal<tf.Rank.R2>(`${prefix}.attn.c_proj.weight`, [d, d], { std, decay: true }); // N(0, 0.02), no 1/√(2L) (§2 item 2)
    store.frozenZeros(`${prefix}.mlp.c_fc.bias`, [nInner]);
    const fcWeight = store.normal<tf.Rank.R2>(`${prefix}.mlp.c_fc.weight`, [d, nInner], { std, decay: true });
    store.frozenZeros(`${prefix}.mlp.c_proj.bias`, [d]);
    const mlpProjWeight = store.normal<tf.Rank.R2>(`${prefix}.mlp.c_proj.weight`, [nInner, d], { std, decay: true });
    for (const parameter of activations.layers[layer]!.parameters) store.adopt(parameter); // e.g. mlp.act.slopes
    blocks.push({ ...norms, qkWeight, qkBias, vWeight, attnProjWeight, fcWeight, mlpProjWeight });
  }
  for (const parameter of activations.sharedParameters) store.adopt(parameter); // the paper's one global slope
  const lnF = layerNormParameters('transformer.ln_f'); // kept in 'layernorm' AND 'none' (§2 item 1)
  store.alias('lm_head.weight', 'transformer.wte.weight'); // tied head; emitted so PyTorch can load our files

  /** One block: x (B·T, d) -> x + Attn(ln_1(x)), then + MLP(ln_2(·)). */
  const applyBlock = (
    input: tf.Tensor2D,
    block: Block,
    layer: number,
    B: number,
    T: number,
    forwardOptions: ForwardOptions,
  ): tf.Tensor2D => {
    let x = input;
    // attention sub-block: x = x + Attn(ln_1(x)) (model_utils.py:60-75)
    const attnInput = block.ln1 === undefined ? x : layerNorm(x, block.ln1.weight, block.ln1.bias, eps); // (B·T, d)
    const qk = linear(attnInput, block.qkWeight, block.qkBias); // (B·T, d) @ (d, 2d) + (2d,) -> (B·T, 2d)
    const [q, k] = tf.split(qk, 2, 1) as [tf.Tensor2D, tf.Tensor2D]; // 2 × (B·T, d): q = qk[:, :d], k = qk[:, d:] (:209)
    const v = matmul(attnInput, block.vWeight); // (B·T, d) @ (d, d) -> (B·T, d); zero bias omitted
    const observer = forwardOptions.observer;
    const attended = causalAttention(q, k, v, {
      batchSize: B,
      seqLen: T,
      nHead,
      onProbabilities: observer === undefined ? undefined : (probs) => observer.onAttention(layer, probs),
      onLogits:
        observer?.onAttentionLogits === undefined ? undefined : (logits) => observer.onAttentionLogits?.(layer, logits),
      fp16Overflow: forwardOptions.fp16AttentionOverflow,
    }); // (B·T, d)
    x = tf.add(x, matmul(attended, block.attnProjWeight)); // (B·T, d) + (B·T, d) @ (d, d)
    // MLP sub-block: x = x + c_proj(act(c_fc(ln_2(x)))) (model_utils.py:77-82, 240-274)
    const mlpInput = block.ln2 === undefined ? x : layerNorm(x, block.ln2.weight, block.ln2.bias, eps); // (B·T, d)
    const activated = activations.layers[layer]!.apply(matmul(mlpInput, block.fcWeight)) as tf.Tensor2D; // (B·T, d) @ (d, nInner) -> (B·T, nInner)
    x = tf.add(x, matmul(activated, block.mlpProjWeight)); // (B·T, d) + (B·T, nInner) @ (nInner, d)
    return x;
  };
  const checkpointing = options.activationCheckpointing ?? 'auto';
  // every trainable tensor a block reads: a checkpointed block passes them to its op (ops/checkpoint.ts)
  const blockVariables = blocks.map((block, layer) => [
    ...(block.ln1 === undefined ? [] : [block.ln1.weight, block.ln1.bias]),
    ...(block.ln2 === undefined ? [] : [block.ln2.weight, block.ln2.bias]),
    block.qkWeight,
    block.qkBias,
    block.vWeight,
    block.attnProjWeight,
    block.fcWeight,
    block.mlpProjWeight,
    ...activations.layers[layer]!.parameters.map((parameter) => parameter.variable),
    ...activations.sharedParameters.map((parameter) => parameter.variable),
  ]);

  /** Embeddings, blocks and ln_f: ids (B, T) -> hidden states (B·T, d) after ln_f. */
  const hidden = (inputIds: tf.Tensor2D, forwardOptions: ForwardOptions): tf.Tensor2D => {
    const { batchSize: B, seqLen: T } = checkInputIds(inputIds, config.blockSize);
    const tokens = embedding(wte, tf.reshape(inputIds, [B * T])); // (B·T, d)
    const positions = tf.slice(wpe, [0, 0], [T, d]); // (T, d), rows 0..T-1 of wpe
    let x = tf.reshape(tf.add(tf.reshape(tokens, [B, T, d]), positions), [B * T, d]) as tf.Tensor2D; // (B, T, d) + (T, d) -> (B·T, d)
    x = embeddingDropout.apply(x, forwardOptions); // (B·T, d); HF embd_pdrop in training only (§2 item 4)
    // One tidy per block frees its intermediates when the block ends (what the backward needs was
    // saved by each op), and a checkpointed block keeps only its input: the forward no longer holds
    // every block's temporaries at once (GPT-2 124M at batch 8: docs/performance.md, "The paper's
    // sizes on CPU"). Observers and eval forwards never run twice.
    const checkpointed =
      forwardOptions.observer === undefined &&
      forwardOptions.training &&
      (checkpointing === true || (checkpointing === 'auto' && B * T * d * nLayer >= autoCheckpointValues));
    blocks.forEach((block, layer) => {
      x = checkpointed
        ? checkpoint(
            (input) => tf.tidy(() => applyBlock(input, block, layer, B, T, forwardOptions)),
            x,
            blockVariables[layer]!,
          )
        : tf.tidy(() => applyBlock(x, block, layer, B, T, forwardOptions));
    });
    return layerNorm(x, lnF.weight, lnF.bias, eps); // (B·T, d), ln_f (eps 1e-5)
  };

  /** The tied head: (N, d) @ wteᵀ (d, V) -> (N, V). */
  const head = (states: tf.Tensor2D): tf.Tensor2D => matmul(states, tf.transpose(wte)); // (N, d) @ (d, V) -> (N, V)

  return {
    specificationVersion: 'v1',
    config,
    parameters: store.parameters,
    ...causalLmOutputs(hidden, head, wte, d, V),
    slopes: () => activations.slopes(),
    stateDict: () => store.stateDict(),
    loadStateDict: (values, loadOptions) => store.loadStateDict(values, loadOptions),
    dispose: () => {
      store.dispose();
      activations.dispose();
    },
  };
}
