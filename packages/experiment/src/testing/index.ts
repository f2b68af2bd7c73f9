/**
 * Fakes for tests of code that runs experiments (the CLI, the examples): an executor that writes a
 * plausible run folder without training, and records its calls. Node-only (it writes files).
 */
import { join } from 'node:path';
import { countParameters, type EntropyLog, type EvalLog, type RunLogRecord, type RunSummary } from '@normfree/core';
import { writeFileAtomic, writeJsonAtomic } from '@normfree/core/node';
import { runFileNames } from '@normfree/trainer';
import type { RunExecutor } from '../executor.js';
import type { RunJob } from '../plan.js';

export interface FakeExecutorCall {
  readonly job: RunJob;
  readonly resume: boolean;
}

export interface FakeExecutorOptions {
  /** Configuration ids whose runs diverge halfway. */
  readonly diverge?: readonly string[];
  /** Configuration ids whose runs throw. */
  readonly fail?: readonly string[];
  /** Eval loss of a completed run (default: 5 + a configuration-dependent offset). */
  readonly evalLoss?: (job: RunJob) => number;
}

/**
 * An executor that writes `config.json`, `logs.jsonl` and `summary.json` like the trainer does, with
 * made-up numbers, and records every call.
 */
export function createFakeExecutor(
  options: FakeExecutorOptions = {},
): RunExecutor & { readonly calls: FakeExecutorCall[] } {
  const calls: FakeExecutorCall[] = [];
  const executor = async (job: RunJob, context: Parameters<RunExecutor>[1]): Promise<RunSummary> => {
    calls.push({ job, resume: context.resume });
    if (options.fail?.includes(job.configuration) === true) throw new Error(`fake failure of ${job.runId}`);
    const model = job.model;
    const steps = job.training.steps;
    const diverged = options.diverge?.includes(job.configuration) === true;
    // An aborted signal stops the run after its first step, like the trainer (status `stopped`).
    const stopped = context.signal?.aborted === true;
    const lastStep = stopped ? 1 : diverged ? Math.max(1, Math.floor(steps / 2)) : steps;
    context.onStart?.(0);
    const records: RunLogRecord[] = [];
    const perHead = Array.from({ length: model.nLayer }, (_, layer) =>
      Array.from({ length: model.nHead }, (_, head) => 1 + 0.1 * layer + 0.05 * head),
    );
    for (let step = 1; step <= lastStep; step++) {
      const loss = 8 - step * 0.1;
      records.push({
        type: 'step',
        step,
        loss,
        learningRate: 1e-3,
        gradNorm: 1,
        tokensPerSecond: 1000,
        msPerStep: 1,
        tokens: step * 64,
      });
      context.onProgress({ step, steps, loss });
    }
    const evalLoss = options.evalLoss?.(job) ?? 5 + job.configuration.length / 100 + job.seed / 1e6;
    const finalEval: EvalLog = {
      type: 'eval',
      step: lastStep,
      loss: evalLoss,
      perplexity: Math.exp(evalLoss),
      windows: 8,
    };
    const finalEntropy: EntropyLog = {
      type: 'entropy',
      step: lastStep,
      perHead,
      perLayer: perHead.map((row) => row.reduce((a, b) => a + b, 0) / row.length),
      nanCounts: perHead.map(() => 0),
      windows: 8,
    };
    if (diverged) records.push({ type: 'diverged', step: lastStep, reason: 'loss is NaN' });
    else if (!stopped) records.push(finalEval, finalEntropy);
    await writeJsonAtomic(join(job.runDir, runFileNames.config), {
      version: 1,
      kind: 'normfree-run',
      configuration: { id: job.configuration, label: job.label },
      seed: job.seed,
      model,
      training: job.training,
    });
    await writeFileAtomic(
      join(job.runDir, runFileNames.logs),
      records.map((record) => JSON.stringify(record)).join('\n') + '\n',
    );
    const summary: RunSummary = {
      version: 1,
      configuration: job.configuration,
      label: job.label,
      seed: job.seed,
      status: stopped ? 'stopped' : diverged ? 'diverged' : 'completed',
      model,
      training: job.training,
      stepsCompleted: lastStep,
      tokensSeen: lastStep * 64,
      wallSeconds: 0.01,
      backend: 'fake',
      parameterCount: countParameters(model),
      ...(stopped
        ? {}
        : diverged
          ? { diverged: { type: 'diverged', step: lastStep, reason: 'loss is NaN' } }
          : { finalEval, finalEntropy }),
    };
    await writeJsonAtomic(join(job.runDir, runFileNames.summary), summary);
    return summary;
  };
  return Object.assign(executor, { calls });
}
