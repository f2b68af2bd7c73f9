/**
 * The in-process executor: one run trained with the real packages. The dataset is loaded once per
 * process and shared by every run of the experiment (same windows, same split: the runs differ only
 * in configuration and seed), and the backend is selected once.
 *
 * Data: the embedded default corpus (@normfree/data/node); windows of T = blockSize tokens; 5 % of
 * the files held out for validation with a fixed split seed, so every run is evaluated on the same
 * windows whatever its seed.
 */
import { resolveModelConfig, type Batch, type EvalSet, type RunSummary } from '@normfree/core';
import { selectBackend } from '@normfree/backend';
import { createBatchSampler, createEvalSet, createGpt2Tokenizer, prepareDataset, type PreparedDataset } from '@normfree/data';
import { loadDefaultCorpus, loadDefaultDataset } from '@normfree/data/node';
import { createModel } from '@normfree/transformer';
import { runTraining } from '@normfree/trainer/node';
import type { RunJob } from './experiment-plan.js';
import type { RunExecutor } from './run-executor.js';
import { backendLabel, enableNativeKernels } from './native-kernels.js';

/** Split seed of the default corpus: fixed, so every run of every experiment sees the same split. */
export const datasetSplitSeed = 0;
/** Share of files held out for validation (paper-reference §5.1 holds out a separate split). */
export const validationFraction = 0.05;

const datasets = new Map<string, Promise<PreparedDataset>>();
/** The process's backend, as runs name it: `wasm`, or `wasm+native (avx2+fma)` with native kernels. */
let backend: Promise<string> | undefined;
let backendRequest: string | undefined;

/** The prepared default dataset for a tokenizer and window length (cached per process). */
export function loadRunDataset(tokenizer: RunJob['tokenizer'], seqLen: number): Promise<PreparedDataset> {
  const key = `${tokenizer}/${seqLen}`;
  let dataset = datasets.get(key);
  if (dataset === undefined) {
    dataset =
      tokenizer === 'gpt2'
        ? loadDefaultCorpus().then((documents) => prepareDataset({ documents, tokenizer: createGpt2Tokenizer(), seqLen, seed: datasetSplitSeed, validationFraction }))
        : loadDefaultDataset({ seqLen, seed: datasetSplitSeed, validationFraction });
    datasets.set(key, dataset);
  }
  return dataset;
}

/**
 * Select the job's backend once per process (a second, different request is an error), with
 * @normfree/backend-native's kernels on wasm unless the job turns them off. Why native kernels are
 * not used, when they were wanted, is printed.
 */
function ensureBackend(job: Pick<RunJob, 'backend' | 'nativeKernels'>): Promise<string> {
  const request = `${job.backend}${job.nativeKernels ? '' : ' (--no-native)'}`;
  if (backend !== undefined && backendRequest !== request) {
    return Promise.reject(new Error(`backend '${backendRequest}' is already selected in this process; '${request}' cannot be used by another run`));
  }
  backendRequest = request;
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  backend ??= (async () => {
    const selected = await selectBackend({ prefer: job.backend, log });
    if (selected.name !== 'wasm' || !job.nativeKernels) return selected.name;
    const native = await enableNativeKernels();
    log(native.enabled ? `[normfree] wasm with native ${native.simd ?? ''} kernels (${native.kernels.length} kernels; --no-native turns them off)` : `[normfree] native kernels not used, training on plain wasm: ${native.reason}`);
    return backendLabel(selected.name, native);
  })();
  return backend;
}

/** The first `size` validation windows: the fixed batch of the periodic entropy log (§6.2). */
function firstBatch(evalSet: EvalSet, size: number): Batch {
  for (const batch of evalSet.batches(Math.min(size, evalSet.numWindows))) return batch;
  throw new Error(`the validation split has no windows of ${evalSet.seqLen} tokens`);
}

/** An executor that trains in this process (one run at a time). */
export function createInProcessExecutor(): RunExecutor {
  return async (job, context): Promise<RunSummary> => {
    const backendName = await ensureBackend(job);
    const dataset = await loadRunDataset(job.tokenizer, job.model.blockSize);
    const config = resolveModelConfig({ ...job.model, vocabSize: dataset.vocabSize });
    const trainSource = createBatchSampler({ windows: dataset.train, batchSize: job.training.microBatchSize, seed: job.seed });
    const evalSet = createEvalSet({ windows: dataset.validation });
    const entropyBatch = firstBatch(evalSet, job.training.entropyBatchSize);
    const model = createModel(config, { seed: job.seed });
    let loss: number | undefined;
    let evalLoss: number | undefined;
    let started = false;
    try {
      return await runTraining({
        dir: job.runDir,
        model,
        trainSource,
        evalSet,
        entropyBatch,
        options: job.training,
        configuration: { id: job.configuration, label: job.label },
        seed: job.seed,
        backend: backendName,
        resume: context.resume,
        ...(context.signal === undefined ? {} : { signal: context.signal }),
        onLog: (record) => {
          if (record.type === 'step') {
            if (!started) context.onStart?.(record.step - 1);
            started = true;
            loss = record.loss;
            context.onProgress({ step: record.step, steps: job.training.steps, loss, ...(evalLoss === undefined ? {} : { evalLoss }) });
          } else if (record.type === 'eval') {
            evalLoss = record.loss;
          }
        },
      });
    } finally {
      model.dispose();
    }
  };
}
