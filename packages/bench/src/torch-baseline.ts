/**
 * The PyTorch baseline beside the bench (`normfree bench --torch-python <python>`): the training step of
 * Hugging Face's GPT2LMHeadModel at a preset's sizes, timed by the project's script
 * (`torch_gpt2_step.py`: forward + backward + clipping + AdamW, fp32 on CPU, median of its steps), in
 * the same invocation and with the same thread count as the native kernels, so the two are measured
 * side by side on the same machine state.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatSchemaError, getPreset, resolveModelConfig } from '@normfree/core';
import { loadTokenizerVocabSize } from '@normfree/experiment/node';
import * as z from 'zod/mini';
import { paperPresetBenchBatchSize, type BenchPreset, type TorchBaselineRun } from './api.js';

const aNumber = z.number({ error: 'a number' });
/** The JSON line the timing script prints last (checked: another copy of the script may print otherwise). */
const torchResultSchema = z.looseObject({
  runtime: z.string({ error: 'a string' }),
  threads: aNumber,
  parameters: aNumber,
  ms_per_step: aNumber,
  ms_min: aNumber,
  ms_max: aNumber,
  tokens_per_second: aNumber,
});

export interface TorchBaselineOptions {
  /** A Python with torch and transformers. */
  readonly python: string;
  /** The timing script (`torch_gpt2_step.py`; the package's own is {@link defaultTorchScript}). */
  readonly script: string;
  readonly preset: BenchPreset;
  readonly threads: number;
  readonly steps: number;
  readonly warmupSteps: number;
  /** Sequences per step (default: the preset's micro-batch, as the bench's own step). */
  readonly batchSize?: number;
  readonly timeoutMs: number;
}

/**
 * The project's PyTorch timing script, shipped in this package (`python/torch_gpt2_step.py`, a copy
 * of the script the performance figures were measured with): one folder up from `src/` and `dist/` alike.
 */
export const defaultTorchScript = fileURLToPath(new URL('../python/torch_gpt2_step.py', import.meta.url));

/** The script's command-line arguments for a preset's sizes (its vocabulary read from the preset's tokenizer). */
export async function torchBaselineArguments(
  options: Omit<TorchBaselineOptions, 'python' | 'script' | 'timeoutMs'>,
): Promise<{ args: string[]; batchSize: number }> {
  const preset = getPreset(options.preset);
  const config = resolveModelConfig({ ...preset.model, vocabSize: await loadTokenizerVocabSize(preset.tokenizer) });
  const batchSize =
    options.batchSize ??
    (options.preset.startsWith('paper-') ? paperPresetBenchBatchSize : preset.training.microBatchSize);
  const args = [
    '--layers',
    config.nLayer,
    '--heads',
    config.nHead,
    '--dmodel',
    config.nEmbd,
    '--ffn',
    config.nInner,
    '--vocab',
    config.vocabSize,
    '--ctx',
    config.blockSize,
    '--batch',
    batchSize,
    '--steps',
    options.steps,
    '--warmup',
    options.warmupSteps,
    '--threads',
    options.threads,
  ].map(String);
  return { args, batchSize };
}

/** Run the script once; never rejects (a failure comes back with its reason). */
export async function runTorchBaseline(options: TorchBaselineOptions): Promise<TorchBaselineRun> {
  const { args, batchSize } = await torchBaselineArguments(options);
  const failed = (reason: string): TorchBaselineRun => ({
    preset: options.preset,
    threads: options.threads,
    status: 'failed',
    reason,
    batchSize,
  });
  if (!existsSync(options.script))
    return failed(`PyTorch baseline script ${options.script} is missing (--torch-script)`);
  return new Promise((resolve) => {
    const child = spawn(options.python, [options.script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(failed(`${options.python} could not be started: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((candidate) => candidate.startsWith('{'));
      if (code !== 0 || line === undefined) {
        resolve(
          failed(
            `${options.python} ${options.script} exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`,
          ),
        );
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        resolve(failed(`${options.script} printed a line that is not JSON (${(error as Error).message}): ${line}`));
        return;
      }
      const checked = torchResultSchema.safeParse(json);
      if (!checked.success) {
        resolve(failed(formatSchemaError(checked.error, json, `${options.script}'s result line`)));
        return;
      }
      const parsed = checked.data;
      resolve({
        preset: options.preset,
        threads: parsed.threads,
        status: 'ok',
        runtime: parsed.runtime,
        parameters: parsed.parameters,
        batchSize,
        msPerStep: { median: parsed.ms_per_step, min: parsed.ms_min, max: parsed.ms_max },
        tokensPerSecond: parsed.tokens_per_second,
      });
    });
  });
}
