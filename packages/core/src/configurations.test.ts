import { describe, expect, it } from 'vitest';
import { configurationActivation, getExperimentConfiguration, paperConfigurationIds } from './configurations.js';
import { getPreset, presets } from './presets.js';
import { resolveModelConfig } from './model-config.js';
import { validateTrainingOptions } from './training-options.js';
import { createRandom, shuffleInPlace } from './seeded-random.js';

describe('experiment configurations', () => {
  it("has the paper's four with Table 1's labels", () => {
    expect(paperConfigurationIds.map((id) => getExperimentConfiguration(id).label)).toEqual([
      'SM+LN+G',
      'SM+LN+R',
      'SM+G',
      'SM+R',
    ]);
  });
  it('suggests the closest id for a typo', () => {
    expect(() => getExperimentConfiguration('sm-ln-q')).toThrow(
      "unknown configuration 'sm-ln-q' (did you mean 'sm-ln-g'?)",
    );
  });
  it('builds a hybrid schedule as long as the model is deep', () => {
    const schedule = configurationActivation(getExperimentConfiguration('sm-g-r'), 4);
    expect(schedule).toEqual([{ kind: 'gelu' }, { kind: 'gelu' }, { kind: 'relu' }, { kind: 'relu' }]);
  });
});

describe('presets', () => {
  it.each(Object.keys(presets))('%s resolves to a valid model config and valid training options', (name) => {
    const preset = getPreset(name);
    const vocabSize = preset.tokenizer === 'gpt2' ? 50257 : 4096;
    expect(() =>
      resolveModelConfig({ ...preset.model, vocabSize, norm: 'none', activation: { kind: 'relu' } }),
    ).not.toThrow();
    expect(() => validateTrainingOptions(preset.training)).not.toThrow();
  });
  it('keeps the laptop preset at the size the issue fixes (4 × 4 × 128, T 128, batch 32, 1,200 steps)', () => {
    const { model, training } = getPreset('laptop');
    expect([model.nLayer, model.nHead, model.nEmbd, model.blockSize, training.microBatchSize, training.steps]).toEqual([
      4, 4, 128, 128, 32, 1200,
    ]);
  });
  it('rejects an unknown preset with the list of known ones', () => {
    expect(() => getPreset('huge')).toThrow(/unknown preset 'huge'; known: smoke, quick/);
  });
});

describe('createRandom', () => {
  const draw = (seed: number): number[] => {
    const random = createRandom(seed);
    return Array.from({ length: 5 }, () => random.next());
  };
  it('repeats for a seed and differs across seeds', () => {
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    for (const value of draw(11)) expect(value >= 0 && value < 1).toBe(true);
  });
  it('shuffles deterministically, keeping every element', () => {
    const shuffled = shuffleInPlace([1, 2, 3, 4, 5, 6], createRandom(3));
    expect(shuffled).toEqual(shuffleInPlace([1, 2, 3, 4, 5, 6], createRandom(3)));
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
