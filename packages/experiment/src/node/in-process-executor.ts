/**
 * The in-process executor: one run trained with the real packages, in this process. The run's
 * token store (dataset.ts) is opened once per process and shared by every run; the backend is selected once;
 * the job's plug-in activation modules are imported before its model is built.
 */
import type { Batch, EvalSet, RunSummary } from '@normfree/core';
import { selectBackend } from '@normfree/backend';
import { createEntropyProbe } from '@normfree/entropy';
import { createModel } from '@normfree/transformer';
import { runTraining } from '@normfree/trainer/node';
import type { RunExecutor } from '../executor.js';
import { describeExecutionTarget, type ExecutionTarget } from '../execution-target.js';
import type { RunJob } from '../plan.js';
import { loadActivationModules } from './activation-modules.js';
import { loadDefaultStoreSources, loadStoreSources, type RunSources } from './dataset.js';
import { backendLabel, enableNativeKernels } from './native-kernels.js';
import { definedFields } from '@normfree/core';

/** The process's backend, as runs name it: `wasm`, or `wasm+native (avx2+fma)` with native kernels. */
let backend: Promise<string> | undefined;
let backendRequest: string | undefined;

/**
 * Select the job's target once per process, strictly (it throws rather than training on another
 * backend; a second, different request is an error), with @normfree/backend-native's kernels on wasm
 * unless the target turns them off. Why native kernels are not used, when they were wanted, is printed.
 */
function ensureBackend(target: ExecutionTarget): Promise<string> {
  const request = describeExecutionTarget(target);
  if (backend !== undefined && backendRequest !== request) {
    const selected = `backend '${backendRequest}' is already selected in this process`;
    return Promise.reject(new Error(`${selected}; '${request}' cannot be used by another run`));
  }
  backendRequest = request;
  const log = (message: string): void => void process.stderr.write(`${message}\n`);
  backend ??= (async () => {
    // strict: a run asked for this backend; training on another one would be a different experiment.
    const selected = await selectBackend({
      prefer: target.backend,
      strict: true,
      log,
      ...definedFields({ gpuAdapter: target.gpuAdapter }),
      ...(target.allowSoftwareAdapter === true ? { allowSoftwareAdapter: true } : {}),
    });
    if (selected.name !== 'wasm' || !target.nativeKernels) return selected.name;
    const native = await enableNativeKernels(definedFields({ threads: target.nativeThreads }));
    const allCores = target.nativeThreads === undefined ? ' (all cores)' : '';
    const count = native.threads;
    const threads = count === undefined ? '' : `, ${count} thread${count === 1 ? '' : 's'}${allCores}`;
    const kernels = `${native.kernels.length} kernels${threads}; --no-native turns them off, --threads sets the count`;
    log(
      native.enabled
        ? `[normfree] wasm with native ${native.simd ?? ''} kernels (${kernels})`
        : `[normfree] native kernels not used, training on plain wasm: ${native.reason}`,
    );
    return backendLabel(selected.name, native);
  })();
  return backend;
}

/** The first `size` validation windows: the fixed batch of the periodic entropy log (§6.2). */
function firstBatch(evalSet: EvalSet, size: number): Batch {
  for (const batch of evalSet.batches(Math.min(size, evalSet.numWindows))) return batch;
  throw new Error(`the validation split has no windows of ${evalSet.seqLen} tokens`);
}

/** The run's batches and evaluation windows: from its token store, or from the embedded corpus. */
async function runSources(job: RunJob): Promise<RunSources> {
  const batchSize = job.training.microBatchSize;
  if (job.data !== undefined) return loadStoreSources(job.data, { batchSize, seed: job.seed });
  const sources = await loadDefaultStoreSources(job.tokenizer, job.model.blockSize, { batchSize, seed: job.seed });
  if (sources.vocabSize !== job.model.vocabSize) {
    throw new Error(
      `${job.runId}: the model was planned for a vocabulary of ${job.model.vocabSize} but tokenizer '${job.tokenizer}' has ${sources.vocabSize}`,
    );
  }
  return sources;
}

/** An executor that trains in this process (one run at a time). */
export function createInProcessExecutor(): RunExecutor {
  return async (job, context): Promise<RunSummary> => {
    const backendName = await ensureBackend(job.target);
    await loadActivationModules(job.activationModules);
    const { trainSource, evalSet } = await runSources(job);
    const entropyBatch = firstBatch(evalSet, job.training.entropyBatchSize);
    const model = createModel(job.model, { seed: job.seed });
    let loss: number | undefined;
    let evalLoss: number | undefined;
    let started = false;
    try {
      return await runTraining({
        dir: job.runDir,
        model,
        trainSource,
        evalSet,
        probes: [createEntropyProbe({ batch: entropyBatch, evalSet, options: job.training })],
        options: job.training,
        configuration: { id: job.configuration, label: job.label },
        seed: job.seed,
        backend: backendName,
        ...definedFields({ data: job.data }),
        resume: context.resume,
        ...definedFields({ signal: context.signal }),
        onLog: (record) => {
          if (record.type === 'step') {
            if (!started) context.onStart?.(record.step - 1);
            started = true;
            loss = record.loss;
            context.onProgress({ step: record.step, steps: job.training.steps, loss, ...definedFields({ evalLoss }) });
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
