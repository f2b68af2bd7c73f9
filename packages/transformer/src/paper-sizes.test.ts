// The paper's model sizes (presets `paper-gpt2`, `paper-pythia-70m` at the GPT-2 vocabulary of
// 50,257 ids) built for real and counted against the reference numbers. Construction only: a
// training step at this size is a benchmark (`normfree bench --presets paper-gpt2`), not a test.
import {
  configurationActivation,
  countParameters,
  getExperimentConfiguration,
  getPreset,
  resolveModelConfig,
  type ModelConfig,
} from '@normfree/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { countModelParameters } from './count-model-parameters.js';
import { createModel } from './create-model.js';

const gpt2VocabSize = 50_257;

afterEach(() => {
  tf.disposeVariables();
});

/** The model `normfree train` builds for a preset and a configuration (run-settings.ts, no overrides). */
function paperConfig(presetName: 'paper-gpt2' | 'paper-pythia-70m', configurationId: string): ModelConfig {
  const preset = getPreset(presetName);
  const configuration = getExperimentConfiguration(configurationId);
  return resolveModelConfig({
    ...preset.model,
    vocabSize: gpt2VocabSize,
    norm: configuration.norm,
    activation: configurationActivation(configuration, preset.model.nLayer),
  });
}

// Reference sizes, by hand (paper-reference §3.7, §3.8):
// GPT-2 block with LN: qk 768·1536 + 1536, v 589,824 + 768, o 589,824 + 768, fc 2,359,296 + 3,072,
//   proj 2,359,296 + 768, two LNs 3,072 = 7,087,872 (HF GPT-2's block has the same count);
//   12 blocks + wte 50,257·768 + wpe 1,024·768 + ln_f 1,536 = 124,439,808, HF
//   `sum(p.numel() for p in GPT2LMHeadModel(GPT2Config()).parameters())`. The frozen zero biases
//   (v, o, fc, proj: 5,376 per block) are not trained: 124,439,808 − 12·5,376 = 124,375,296.
//   LayerNorm-free: 12·3,072 fewer (ln_1, ln_2 are identities).
// Pythia-70M layer: qkv 512·1536 + 1536, dense 262,144 + 512, h→4h 1,048,576 + 2,048,
//   4h→h 1,048,576 + 512, two LNs 2,048 = 3,152,384; 6 layers + embed_in and embed_out
//   50,257·512 each (untied) + final LN 1,024 = 70,378,496 (HF pythia-70m has 70,426,624 at its
//   50,304 rows). Every bias is trainable. LayerNorm-free: 6·2,048 fewer.
const expected = [
  {
    preset: 'paper-gpt2',
    configuration: 'sm-ln-g',
    stateDictValues: 124_439_808,
    trainable: 124_375_296,
    stateDictTensors: 12 * 14 + 5,
  },
  {
    preset: 'paper-gpt2',
    configuration: 'sm-r',
    stateDictValues: 124_402_944,
    trainable: 124_338_432,
    stateDictTensors: 12 * 10 + 5,
  },
  {
    preset: 'paper-pythia-70m',
    configuration: 'sm-ln-g',
    stateDictValues: 70_378_496,
    trainable: 70_378_496,
    stateDictTensors: 6 * 12 + 4,
  },
  {
    preset: 'paper-pythia-70m',
    configuration: 'sm-r',
    stateDictValues: 70_366_208,
    trainable: 70_366_208,
    stateDictTensors: 6 * 8 + 4,
  },
] as const;

describe("the paper's model sizes", () => {
  for (const row of expected) {
    it(`builds ${row.preset} ${row.configuration} with ${row.stateDictValues.toLocaleString('en-US')} state-dict values, ${row.trainable.toLocaleString('en-US')} trainable, and frees every tensor`, () => {
      const before = tf.memory().numTensors;
      const config = paperConfig(row.preset, row.configuration);
      const model = createModel(config, { seed: 0 });
      try {
        const counts = countModelParameters(model);
        expect(counts).toEqual({
          stateDictValues: row.stateDictValues,
          trainable: row.trainable,
          frozen: row.stateDictValues - row.trainable,
        });
        expect(countParameters(config)).toBe(row.trainable); // core's count from the config alone agrees
        const state = model.stateDict();
        expect(state.size).toBe(row.stateDictTensors); // names: 14 per GPT-2 block with LN (10 without), 12 per Pythia layer (8); lm_head.weight included
        if (row.preset === 'paper-gpt2') {
          expect(state.get('lm_head.weight')).toBe(state.get('transformer.wte.weight')); // tied: one tensor, counted once
          expect(state.get('transformer.wpe.weight')!.shape).toEqual([1024, 768]); // HF keeps 1,024 position rows (§3.1)
        } else {
          expect(state.get('embed_out.weight')!.shape).toEqual([gpt2VocabSize, 512]); // untied: a second (V, d) matrix
          expect(state.get('embed_out.weight')).not.toBe(state.get('gpt_neox.embed_in.weight'));
        }
      } finally {
        model.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
