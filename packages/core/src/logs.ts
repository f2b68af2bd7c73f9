/**
 * The JSON shapes that leave the trainer: step logs (JSON lines), run summaries and experiment
 * manifests. Plain numbers only (ARCHITECTURE rule 3), so `@normfree/plot` can draw them without
 * TF.js, including logs converted from the authors' PyTorch text logs.
 */
import type { ModelConfig } from './model-config.js';
import type { TrainingOptions } from './training-options.js';

/** Version of every JSON shape in this file; bump with a decision record. */
export const logFormatVersion = 1;

export interface StepLog {
  readonly type: 'step';
  /** Optimizer steps completed. */
  readonly step: number;
  /** Mean training loss of this step's micro-batches. */
  readonly loss: number;
  /** Learning rate used by this step's update. */
  readonly learningRate: number;
  /** Global gradient L2 norm before clipping. */
  readonly gradNorm: number;
  readonly tokensPerSecond: number;
  readonly msPerStep: number;
  /** Training tokens seen so far. */
  readonly tokens: number;
  /** Learnable slopes by layer, when the model has them. */
  readonly slopes?: readonly number[];
}

export interface EvalLog {
  readonly type: 'eval';
  readonly step: number;
  /** Token-mean cross-entropy over the validation set (nats). */
  readonly loss: number;
  /** exp(loss) (paper-reference §2 item 8). */
  readonly perplexity: number;
  readonly windows: number;
}

export interface EntropyLog {
  readonly type: 'entropy';
  readonly step: number;
  /** [layer][head] entropy in nats (paper-reference §6.1: nansum form, mean over batch and queries). */
  readonly perHead: readonly (readonly number[])[];
  /** Mean over heads, per layer. */
  readonly perLayer: readonly number[];
  /** NaN elements of each layer's attention probabilities, mean over heads (paper-reference §7). */
  readonly nanCounts: readonly number[];
  /** Attention logits beyond the fp16 range (|x| > 65504), per layer, mean over heads. */
  readonly fp16Overflows?: readonly number[];
  readonly windows: number;
}

export interface SlopeLog {
  readonly type: 'slopes';
  readonly step: number;
  /** One value per layer (or one value for a truly global slope). */
  readonly slopes: readonly number[];
}

export interface DivergedLog {
  readonly type: 'diverged';
  readonly step: number;
  readonly reason: string;
}

export type RunLogRecord = StepLog | EvalLog | EntropyLog | SlopeLog | DivergedLog;

export type RunStatus = 'running' | 'completed' | 'diverged' | 'stopped';

/** `summary.json` of one run (one configuration, one seed). */
export interface RunSummary {
  readonly version: 1;
  /** Configuration id, e.g. `sm-g`. */
  readonly configuration: string;
  /** Paper label, e.g. `SM+G`. */
  readonly label: string;
  readonly seed: number;
  readonly status: RunStatus;
  readonly model: ModelConfig;
  readonly training: TrainingOptions;
  readonly stepsCompleted: number;
  readonly tokensSeen: number;
  readonly wallSeconds: number;
  readonly backend: string;
  readonly parameterCount: number;
  readonly finalEval?: EvalLog;
  /** Head entropy over a larger validation sample at the end of training. */
  readonly finalEntropy?: EntropyLog;
  readonly diverged?: DivergedLog;
}

/** Everything plot needs about one run: its summary and its logs, grouped by type. */
export interface RunData {
  readonly summary: RunSummary;
  readonly steps: readonly StepLog[];
  readonly evals: readonly EvalLog[];
  readonly entropy: readonly EntropyLog[];
  readonly slopes: readonly SlopeLog[];
}

/** `experiment.json` at the top of a run directory. */
export interface ExperimentManifest {
  readonly version: 1;
  readonly kind: 'normfree-experiment';
  readonly preset: string;
  readonly configurations: readonly string[];
  readonly seeds: readonly number[];
  readonly createdAt: string;
  readonly corpus: string;
  readonly tokenizer: string;
}

/** Split a list of log records by type, keeping their order. */
export function groupRunLogs(records: Iterable<RunLogRecord>): Omit<RunData, 'summary'> {
  const steps: StepLog[] = [];
  const evals: EvalLog[] = [];
  const entropy: EntropyLog[] = [];
  const slopes: SlopeLog[] = [];
  for (const record of records) {
    if (record.type === 'step') steps.push(record);
    else if (record.type === 'eval') evals.push(record);
    else if (record.type === 'entropy') entropy.push(record);
    else if (record.type === 'slopes') slopes.push(record);
  }
  return { steps, evals, entropy, slopes };
}
