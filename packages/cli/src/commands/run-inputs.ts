/**
 * What `reproduce` and `train` share between parsing and running: plug-in activation modules are
 * loaded (so their kinds exist), the `--activation` text is read by the activation registry, and the
 * tokenizer's vocabulary is read for the plan (from the token store with `--data`).
 */
import {
  asInputError,
  errorMessage,
  parseActivationText,
  type ExecutionTargetOptions,
  type ExperimentData,
  type Overrides,
  type RunExecutor,
} from '@normfree/experiment';
import { getPreset, type Preset } from '@normfree/core';
import { UsageError } from '../errors.js';
import type { CliIo } from '../cli-io.js';
import type { ProgressDisplay } from '../progress.js';

/** The options every training command gets from the command line. */
export interface RunCommandOptions {
  /** Overrides as parsed; `activation` may still be text. */
  readonly overrides: Overrides | (Omit<Overrides, 'activation'> & { readonly activation?: unknown });
  /** `--activation-module` paths as given (relative to `io.cwd`). */
  readonly activationModules: readonly string[];
  /** `--data`: a token store folder (absolute); undefined → the embedded corpus. */
  readonly data?: string;
  /**
   * Where the runs train: `--backend`, `--no-native`, `--threads` (or the cores ÷ workers: threads of
   * the native kernels in each training process), `--gpu-adapter`, `--allow-software-adapter`.
   */
  readonly target: ExecutionTargetOptions;
  /** Default output folders go under this folder. */
  readonly runsBase: string;
  readonly resume: boolean;
  readonly now: Date;
  readonly io: CliIo;
  readonly progress: ProgressDisplay;
  readonly executor: RunExecutor;
}

export interface RunInputs {
  readonly preset: Preset;
  readonly overrides: Overrides;
  /** `file:` URLs of the loaded plug-in modules (what the plan records for worker processes). */
  readonly activationModules: readonly string[];
  readonly vocabSize: number;
  /** The token store of `--data`, read and checked. */
  readonly data?: ExperimentData;
}

/** Load plug-ins, read the activation text, read the vocabulary. Bad input is a UsageError naming the flag. */
export async function resolveRunInputs(presetName: string, options: RunCommandOptions): Promise<RunInputs> {
  const preset = asInputError(() => getPreset(presetName));
  const { activationModuleUrl, describeTokenStore, loadActivationModule, loadTokenizerVocabSize } =
    await import('@normfree/experiment/node');
  const activationModules = options.activationModules.map((path) => activationModuleUrl(path, options.io.cwd));
  for (const url of activationModules) {
    const kinds = await loadActivationModule(url);
    options.io.stderr(
      `[normfree] activation module ${url}: ${kinds.length === 0 ? 'registered no new kind' : `registered ${kinds.join(', ')}`}\n`,
    );
  }
  const { activation, ...rest } = options.overrides;
  let overrides: Overrides = rest;
  if (activation !== undefined) {
    try {
      overrides = {
        ...rest,
        activation:
          typeof activation === 'string'
            ? parseActivationText(activation)
            : (activation as NonNullable<Overrides['activation']>),
      };
    } catch (error) {
      throw new UsageError(`--activation: ${errorMessage(error)}`);
    }
  }
  if (options.data !== undefined) {
    const data = await describeTokenStore(options.data);
    options.io.stderr(
      `[normfree] data: token store ${data.store} (${data.trainWindows.toLocaleString('en-US')} training / ${data.validationWindows.toLocaleString('en-US')} validation windows of ${data.seqLen} tokens, tokenizer ${data.tokenizer.name}, manifest sha256 ${data.manifestSha256.slice(0, 12)}…)\n`,
    );
    return { preset, overrides, activationModules, vocabSize: data.tokenizer.vocabSize, data };
  }
  return { preset, overrides, activationModules, vocabSize: await loadTokenizerVocabSize(preset.tokenizer) };
}
