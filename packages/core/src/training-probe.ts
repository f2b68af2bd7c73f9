/**
 * The training-probe contract: a measurement that the training loop runs on the model at chosen
 * steps, without knowing what it measures. `@normfree/entropy`'s entropy probe implements it
 * (head entropy and NaN counts, paper-reference §6.2 and §7); `@normfree/trainer`'s `train()` and
 * `runTraining()` are handed probes, so the trainer needs no measurement package.
 *
 * The contract carries exactly what the trainer needs to write today's run folder: when to measure
 * (`shouldRun`, asked once per step, step 0 included), the records to append to `logs.jsonl` in
 * order right after that step's `StepLog`, and an optional measurement at the end of a completed run
 * that fills the run summary's final-measurement slot (`RunSummary.finalEntropy`, written to
 * `final-entropy.json`). Probes are stateless with respect to the model (it is passed to every
 * call), so one probe can serve several runs, e.g. two models trained in turns.
 *
 * References: docs/decisions/0002-training-probes-and-core-tfjs.md; style.md §3.11 (versioned
 * contracts with fakes in `./testing`).
 */
import type { LanguageModel } from './language-model.js';
import type { DivergedLog, EntropyLog, RunLogRecord, StepLog } from './logs.js';

/**
 * Records a probe may add to the log: measurements, never the trainer's own step or divergence
 * records.
 */
export type ProbeLogRecord = Exclude<RunLogRecord, StepLog | DivergedLog>;

/**
 * Records a probe's final measurement may produce: the final-measurement slots a run summary holds
 * (log format v1: `RunSummary.finalEntropy`, i.e. the head-entropy matrix of `final-entropy.json`).
 * A new slot is a log-format change (new `RunSummary` field, decision record), then a new member here.
 */
export type FinalProbeRecord = EntropyLog;

export interface TrainingProbe {
  readonly specificationVersion: 'v1';
  /** Short name for messages, e.g. `entropy`; unique among the probes of one run. */
  readonly name: string;
  /**
   * Measure after optimizer step `step`? Asked for step 0 (before any update, only when a run starts
   * from scratch) and for every step the run completes, in order.
   *
   * @param step - optimizer steps completed (0 = the initial model).
   * @param lastStep - the run's last step (`TrainingOptions.steps`), so "and at the end" cadences work.
   */
  shouldRun(step: number, lastStep: number): boolean;
  /**
   * Measure the model as it is after `step` updates. Called between steps, outside any `tf.tidy`;
   * must leave no tensors behind and must not change the model's parameters.
   *
   * @returns plain-number records, each with `step` equal to `step`, appended to the log in order.
   */
  measure(model: LanguageModel, step: number): Promise<readonly ProbeLogRecord[]>;
  /**
   * Optional: the measurement at the end of a COMPLETED run (not after a stop or a divergence), taken
   * by whoever writes the run summary (`runTraining`), after the last step's logs and checkpoint.
   * Same rules as {@link TrainingProbe.measure}.
   *
   * @param step - the run's completed steps.
   */
  measureFinal?(model: LanguageModel, step: number): Promise<FinalProbeRecord>;
}

/**
 * The trainer's cadence rule, shared so that probes and the trainer's own logs line up: due every
 * `every` steps (step 0 included) and always at `lastStep`; `every` = 0 means "only at the last step".
 *
 * @example
 * ```ts
 * [0, 1, 2, 3, 4, 5].filter((step) => isDueStep(step, 2, 5)); // [0, 2, 4, 5]
 * ```
 */
export function isDueStep(step: number, every: number, lastStep: number): boolean {
  return step === lastStep || (every > 0 && step % every === 0);
}

/**
 * Check a list of probes at the boundary (trainer and run drivers call it before training): the
 * contract version, non-empty unique names, and at most one final measurement per final-record slot
 * (a summary holds one `finalEntropy`). Messages name the probe.
 */
export function validateTrainingProbes(probes: readonly TrainingProbe[]): void {
  const names = new Set<string>();
  const finals: string[] = [];
  for (const [index, probe] of probes.entries()) {
    if (probe.specificationVersion !== 'v1') {
      throw new TypeError(
        `training probe ${index} ('${String(probe.name)}') has specificationVersion ${JSON.stringify(probe.specificationVersion)}, expected 'v1'`,
      );
    }
    if (typeof probe.name !== 'string' || probe.name === '') throw new TypeError(`training probe ${index} has no name`);
    if (names.has(probe.name))
      throw new RangeError(`two training probes are named '${probe.name}'; names must be unique`);
    names.add(probe.name);
    if (probe.measureFinal !== undefined) finals.push(probe.name);
  }
  if (finals.length > 1) {
    throw new RangeError(
      `training probes ${finals.map((name) => `'${name}'`).join(' and ')} both take a final measurement; a run summary holds one (finalEntropy)`,
    );
  }
}
