/**
 * Named presets: model dimensions plus training settings. Every preset keeps the authors' rules
 * (paper-reference §12); only sizes and step counts change.
 */
import type { ModelConfigInput } from './model-config.js';
import { defaultTrainingOptions, type TrainingOptions } from './training-options.js';

export type PresetModel = Omit<ModelConfigInput, 'vocabSize' | 'activation' | 'norm'>;

export interface Preset {
  readonly name: string;
  readonly description: string;
  /** False for presets too small for the paper's effect to show reliably; reports say so. */
  readonly conclusive: boolean;
  /**
   * `default-4096`: the embedded corpus's trained byte-level BPE; `gpt2`: the exact GPT-2 vocabulary
   * (50,257 ids; the paper used a 50K code tokenizer that cannot be downloaded here).
   */
  readonly tokenizer: 'default-4096' | 'gpt2';
  readonly model: PresetModel;
  readonly training: TrainingOptions;
}

const training = (overrides: Partial<TrainingOptions>): TrainingOptions => ({
  ...defaultTrainingOptions,
  ...overrides,
});

export const presets = {
  // seconds on cpu; unit tests and the smoke `reproduce`
  smoke: {
    name: 'smoke',
    description: 'a few seconds per configuration; for tests',
    conclusive: false,
    tokenizer: 'default-4096',
    model: { nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 16 },
    training: training({
      steps: 8,
      microBatchSize: 4,
      evalEvery: 4,
      entropyEvery: 4,
      entropyBatchSize: 4,
      finalEntropyWindows: 8,
      evalWindows: 8,
    }),
  },
  // measured (cli README "Timings"): 1m04s for the four configurations on 2 idle cores with native kernels, 9m12s on plain wasm
  quick: {
    name: 'quick',
    description:
      'about 2 minutes for four configurations on a 2-core CPU (10 without native kernels); too small to be conclusive',
    conclusive: false,
    tokenizer: 'default-4096',
    model: { nLayer: 2, nHead: 4, nEmbd: 64, blockSize: 128 },
    training: training({
      steps: 300,
      microBatchSize: 16,
      evalEvery: 50,
      entropyEvery: 50,
      entropyBatchSize: 16,
      finalEntropyWindows: 128,
      evalWindows: 256,
    }),
  },
  // the toolchain.md benchmark model (bench, not an experiment)
  bench: {
    name: 'bench',
    description: 'the benchmark model of toolchain.md §11 (2 layers, d 128, batch 16)',
    conclusive: false,
    tokenizer: 'default-4096',
    model: { nLayer: 2, nHead: 4, nEmbd: 128, blockSize: 128, nInner: 512 },
    training: training({ steps: 20, microBatchSize: 16, evalEvery: 1000, entropyEvery: 1000, evalWindows: 64 }),
  },
  // the default experiment: the size at which the paper's effect shows (≈4.9 M tokens per configuration)
  laptop: {
    name: 'laptop',
    description:
      "4 layers, 4 heads, d 128, T 128, batch 32, 1,200 steps: the smallest size at which the paper's ordering is known to show",
    conclusive: true,
    tokenizer: 'default-4096',
    model: { nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 128 },
    training: training({
      steps: 1200,
      microBatchSize: 32,
      evalEvery: 100,
      entropyEvery: 100,
      entropyBatchSize: 32,
      finalEntropyWindows: 512,
      evalWindows: 0,
    }),
  },
  // the paper's GPT-2: 12 × 12 × 768, T 128, 512 sequences per step, ≈32K steps (paper-reference §5.2)
  'paper-gpt2': {
    name: 'paper-gpt2',
    description: "the paper's GPT-2 (124M at V≈50K): a GPU-scale run",
    conclusive: true,
    tokenizer: 'gpt2',
    model: { nLayer: 12, nHead: 12, nEmbd: 768, blockSize: 128, nPositions: 1024 },
    training: training({
      steps: 32_000,
      microBatchSize: 128,
      gradientAccumulation: 4,
      evalEvery: 500,
      entropyEvery: 100,
      entropyBatchSize: 128,
      finalEntropyWindows: 2048,
    }),
  },
  // Pythia-70M: 6 × 8 × 512, FFN 2048, parallel residual, partial RoPE, untied head (paper-reference §3.8)
  'paper-pythia-70m': {
    name: 'paper-pythia-70m',
    description: 'Pythia-70M-style (6 × 8 × 512, GPT-NeoX blocks): a GPU-scale run',
    conclusive: true,
    tokenizer: 'gpt2',
    model: { family: 'pythia', nLayer: 6, nHead: 8, nEmbd: 512, nInner: 2048, blockSize: 128, tiedEmbeddings: false },
    training: training({
      steps: 32_000,
      microBatchSize: 128,
      gradientAccumulation: 4,
      evalEvery: 500,
      entropyEvery: 100,
      entropyBatchSize: 128,
      finalEntropyWindows: 2048,
    }),
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof presets;

export function getPreset(name: string): Preset {
  const preset = (presets as Record<string, Preset>)[name];
  if (preset === undefined) {
    throw new RangeError(`unknown preset '${name}'; known: ${Object.keys(presets).join(', ')}`);
  }
  return preset;
}
