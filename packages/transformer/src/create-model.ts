/**
 * The model factory: one entry point for every family (`ModelConfig.family`).
 */
import { validateModelConfig, type LanguageModel, type ModelConfig } from '@normfree/core';
import { createGpt2Model, type CreateModelOptions } from './gpt2-model.js';
import { createPythiaModel } from './pythia-model.js';

/**
 * Build a language model from a configuration.
 *
 * @param config - a {@link ModelConfig} (validated here; errors name the field and value).
 * @param options.seed - init seed (required: nothing important has a hidden default).
 * @returns a {@link LanguageModel}; the caller owns it and must `dispose()` it.
 * @throws Error naming the family when it is unknown, or the activation kind when it is unregistered.
 */
export function createModel(config: ModelConfig, options: CreateModelOptions): LanguageModel {
  validateModelConfig(config);
  if (typeof options?.seed !== 'number' || !Number.isFinite(options.seed)) {
    throw new Error(`createModel: options.seed must be a finite number, got ${JSON.stringify(options?.seed)}`);
  }
  switch (config.family) {
    case 'gpt2':
      return createGpt2Model(config, options);
    case 'pythia':
      return createPythiaModel(config, options);
    default:
      throw new Error(`createModel: unknown model family '${String(config.family)}'; known: gpt2, pythia`);
  }
}
