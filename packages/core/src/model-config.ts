/**
 * The model configuration contract: everything `@normfree/transformer` needs to build a model, as
 * plain JSON. Field names follow the literature camelCased (nanoGPT / HF GPT-2).
 *
 * References: paper-reference §3 (the authors' GPT-2), §3.8 (Pythia-70M).
 */
import type { ActivationSchedule } from './activation-spec.js';
import { checkInteger } from './check-integer.js';

/**
 * - `gpt2`: the authors' GPT-2 (sequential Pre-LN or LN-free blocks, fused QK projection with the
 *   only trainable bias, learned absolute positions, tied LM head; paper-reference §3).
 * - `pythia`: GPT-NeoX style (parallel residual, rotary embedding on part of each head, untied head;
 *   paper-reference §3.8). The authors' Pythia code was never published.
 */
export type ModelFamily = 'gpt2' | 'pythia';

/** `layernorm`: Pre-LN blocks (SM+LN+…). `none`: the blocks' LNs removed (SM+…); ln_f always stays. */
export type NormType = 'layernorm' | 'none';

export interface PythiaOptions {
  /** Fraction of each head's dimensions that get rotary position embedding (Pythia: 0.25). */
  readonly rotaryPct: number;
  /** RoPE base (Pythia: 10000). */
  readonly rotaryBase: number;
  /** x + Attn(LN1(x)) + MLP(LN2(x)) instead of sequential blocks (Pythia: true). */
  readonly parallelResidual: boolean;
}

export interface ModelConfig {
  /** Version of this JSON shape. */
  readonly version: 1;
  readonly family: ModelFamily;
  /** Vocabulary size V (tokenizer's size). */
  readonly vocabSize: number;
  /** Context length T: the longest sequence a forward pass accepts (paper: 128). */
  readonly blockSize: number;
  /**
   * Rows of the learned position table (GPT-2 only). The authors keep HF's 1024 rows and use the first
   * T (paper-reference §3.1); defaults to blockSize.
   */
  readonly nPositions: number;
  readonly nLayer: number;
  readonly nHead: number;
  /** Model width d. */
  readonly nEmbd: number;
  /** FFN hidden width (the authors: 4·d). */
  readonly nInner: number;
  readonly norm: NormType;
  /** One activation for all layers, or one per layer (hybrid). */
  readonly activation: ActivationSchedule;
  /** Dropout on token+position embeddings, training only (the authors: 0.1, paper-reference §2 item 4). */
  readonly embdDropout: number;
  /** Std of the N(0, σ) init of every weight matrix and embedding (0.02, paper-reference §2 item 2). */
  readonly initStd: number;
  /** LayerNorm epsilon (1e-5). */
  readonly layerNormEpsilon: number;
  /** Tie the LM head to the token embedding (gpt2: true; pythia: false). */
  readonly tiedEmbeddings: boolean;
  /** Pythia-only settings; required when family is 'pythia'. */
  readonly pythia?: PythiaOptions;
}

/** The fields a caller must choose; {@link resolveModelConfig} fills the rest with the authors' values. */
export type ModelConfigInput = Pick<ModelConfig, 'vocabSize' | 'blockSize' | 'nLayer' | 'nHead' | 'nEmbd'> &
  Partial<Omit<ModelConfig, 'version'>>;

export const defaultPythiaOptions: PythiaOptions = { rotaryPct: 0.25, rotaryBase: 10000, parallelResidual: true };

/** Fill a partial config with the authors' defaults (paper-reference §12) and validate it. */
export function resolveModelConfig(input: ModelConfigInput): ModelConfig {
  const family = input.family ?? 'gpt2';
  const config: ModelConfig = {
    version: 1,
    family,
    vocabSize: input.vocabSize,
    blockSize: input.blockSize,
    nPositions: input.nPositions ?? input.blockSize,
    nLayer: input.nLayer,
    nHead: input.nHead,
    nEmbd: input.nEmbd,
    nInner: input.nInner ?? 4 * input.nEmbd,
    norm: input.norm ?? 'layernorm',
    activation: input.activation ?? { kind: 'gelu' },
    embdDropout: input.embdDropout ?? 0.1,
    initStd: input.initStd ?? 0.02,
    layerNormEpsilon: input.layerNormEpsilon ?? 1e-5,
    tiedEmbeddings: input.tiedEmbeddings ?? family === 'gpt2',
    ...(family === 'pythia' ? { pythia: input.pythia ?? defaultPythiaOptions } : {}),
  };
  validateModelConfig(config);
  return config;
}

function fail(message: string): never {
  throw new ConfigError(message);
}

/** A configuration that cannot be built; the message names the field and the offending value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function positiveInteger(config: Record<string, unknown>, field: string): void {
  checkInteger(`model config: ${field}`, config[field], { min: 1, error: ConfigError });
}

function fraction(config: Record<string, unknown>, field: string, { max = 1, open = false } = {}): void {
  const value = config[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (open ? value >= max : value > max)) {
    fail(`model config: ${field} must be a number in [0, ${max}${open ? ')' : ']'}, got ${JSON.stringify(value)}`);
  }
}

function validateActivation(spec: unknown, where: string): void {
  if (typeof spec !== 'object' || spec === null || typeof (spec as { kind?: unknown }).kind !== 'string') {
    fail(`model config: ${where} must be an object with a string "kind", got ${JSON.stringify(spec)}`);
  }
  const record = spec as Record<string, unknown>;
  if (record['kind'] === 'leaky-relu') {
    const slope = record['slope'];
    if (typeof slope !== 'number' || !Number.isFinite(slope)) {
      fail(
        `model config: ${where}.slope must be a finite number (TF.js would silently use 0.2), got ${JSON.stringify(slope)}`,
      );
    }
  }
  if (record['kind'] === 'learnable-leaky-relu') {
    if (record['mode'] !== 'per-layer' && record['mode'] !== 'global') {
      fail(`model config: ${where}.mode must be 'per-layer' or 'global', got ${JSON.stringify(record['mode'])}`);
    }
    const initialSlope = record['initialSlope'];
    if (typeof initialSlope !== 'number' || !Number.isFinite(initialSlope)) {
      fail(`model config: ${where}.initialSlope must be a finite number, got ${JSON.stringify(initialSlope)}`);
    }
  }
}

/**
 * Check a model configuration; throws a {@link ConfigError} naming the field and the value
 * (e.g. `nEmbd 100 is not divisible by nHead 3`). Unknown activation kinds are checked later, by the
 * activation registry, which knows the plug-ins.
 */
export function validateModelConfig(config: unknown): asserts config is ModelConfig {
  if (typeof config !== 'object' || config === null)
    fail(`model config must be an object, got ${JSON.stringify(config)}`);
  const record = config as Record<string, unknown>;
  if (record['version'] !== 1) fail(`model config: version must be 1, got ${JSON.stringify(record['version'])}`);
  if (record['family'] !== 'gpt2' && record['family'] !== 'pythia') {
    fail(`model config: family must be 'gpt2' or 'pythia', got ${JSON.stringify(record['family'])}`);
  }
  for (const field of ['vocabSize', 'blockSize', 'nPositions', 'nLayer', 'nHead', 'nEmbd', 'nInner'])
    positiveInteger(record, field);
  const { nEmbd, nHead, blockSize, nPositions, nLayer } = record as unknown as ModelConfig;
  if (nEmbd % nHead !== 0) fail(`model config: nEmbd ${nEmbd} is not divisible by nHead ${nHead}`);
  if (nPositions < blockSize) fail(`model config: nPositions ${nPositions} is smaller than blockSize ${blockSize}`);
  if (record['norm'] !== 'layernorm' && record['norm'] !== 'none') {
    fail(`model config: norm must be 'layernorm' or 'none', got ${JSON.stringify(record['norm'])}`);
  }
  fraction(record, 'embdDropout', { open: true });
  for (const field of ['initStd', 'layerNormEpsilon']) {
    const value = record[field];
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      fail(`model config: ${field} must be a positive number, got ${JSON.stringify(value)}`);
    }
  }
  if (typeof record['tiedEmbeddings'] !== 'boolean') {
    fail(`model config: tiedEmbeddings must be a boolean, got ${JSON.stringify(record['tiedEmbeddings'])}`);
  }
  const activation = record['activation'];
  if (Array.isArray(activation)) {
    if (activation.length !== nLayer) {
      fail(`model config: activation schedule has ${activation.length} entries but nLayer is ${nLayer}`);
    }
    activation.forEach((spec, layer) => validateActivation(spec, `activation[${layer}]`));
  } else {
    validateActivation(activation, 'activation');
  }
  if (record['family'] === 'pythia') {
    const pythia = record['pythia'] as Record<string, unknown> | undefined;
    if (pythia === undefined || typeof pythia !== 'object')
      fail(`model config: family 'pythia' needs a "pythia" options object`);
    fraction(pythia, 'rotaryPct');
    const headDim = nEmbd / nHead;
    const rotaryDims = Math.floor(headDim * (pythia['rotaryPct'] as number));
    if (rotaryDims % 2 !== 0) {
      fail(
        `model config: pythia.rotaryPct ${String(pythia['rotaryPct'])} gives ${rotaryDims} rotary dimensions of head dim ${headDim}; it must be even`,
      );
    }
    if (typeof pythia['rotaryBase'] !== 'number' || !(pythia['rotaryBase'] > 1)) {
      fail(`model config: pythia.rotaryBase must be a number > 1, got ${JSON.stringify(pythia['rotaryBase'])}`);
    }
    if (typeof pythia['parallelResidual'] !== 'boolean') {
      fail(
        `model config: pythia.parallelResidual must be a boolean, got ${JSON.stringify(pythia['parallelResidual'])}`,
      );
    }
  }
}

/** Number of parameters the model trains (frozen zero biases excluded; tied head counted once). */
export function countParameters(config: ModelConfig): number {
  const { vocabSize, nPositions, nEmbd: d, nInner, nLayer } = config;
  const layerNorm = 2 * d;
  if (config.family === 'gpt2') {
    // qk weight + qk bias, v, c_proj, c_fc, mlp c_proj (paper-reference §3.5: only qk has a bias)
    const block =
      d * 2 * d + 2 * d + d * d + d * d + d * nInner + nInner * d + (config.norm === 'layernorm' ? 2 * layerNorm : 0);
    const head = config.tiedEmbeddings ? 0 : vocabSize * d;
    return vocabSize * d + nPositions * d + nLayer * block + layerNorm + head;
  }
  // pythia: fused qkv with bias, dense with bias, MLP with biases (GPT-NeoX has all biases)
  const block =
    d * 3 * d +
    3 * d +
    d * d +
    d +
    d * nInner +
    nInner +
    nInner * d +
    d +
    (config.norm === 'layernorm' ? 2 * layerNorm : 0);
  return vocabSize * d + nLayer * block + layerNorm + (config.tiedEmbeddings ? 0 : vocabSize * d);
}
