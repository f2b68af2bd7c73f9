/**
 * Figure 2b: evaluation cross-entropy over training, one curve per run.
 *
 * References:
 * 1. paper-reference §10.3: y "Eval Cross-entropy Loss", markers o SM+LN+G (C0), s SM+LN+R (C1),
 *    D SM+G (C2), ^ SM+R (C3), legend upper right. The paper's x is the epoch fraction; our runs are
 *    shorter than an epoch, so x is the optimizer step.
 */
import type { TopLevelSpec } from 'vega-lite';
import { baseConfig, configurationStyles, thousandsLabelExpr, vegaLiteSchema } from './palette.js';
import { configurationsOf, sortRuns, type PlotRun } from './plot-run.js';

/** One evaluation point. */
export interface EvalLossRow {
  readonly configuration: string;
  readonly label: string;
  readonly seed: number;
  /** `configuration/seed`: one line per run. */
  readonly run: string;
  readonly step: number;
  /** Eval cross-entropy (nats). */
  readonly loss: number;
}

/** Every finite evaluation loss of every run (plus `finalEval` when it is a later step), in paper order. */
export function evalLossRows(runs: readonly PlotRun[]): EvalLossRow[] {
  return sortRuns(runs).flatMap((run) => {
    const evals = [...run.evals];
    const last = evals.at(-1);
    if (run.finalEval !== undefined && (last === undefined || run.finalEval.step > last.step))
      evals.push(run.finalEval);
    return evals
      .filter((log) => Number.isFinite(log.loss))
      .map((log) => ({
        configuration: run.configuration,
        label: run.label,
        seed: run.seed,
        run: `${run.configuration}/${run.seed}`,
        step: log.step,
        loss: log.loss,
      }));
  });
}

/**
 * Vega-Lite spec of Figure 2b: eval loss against steps, colour and marker per configuration.
 * @throws RangeError when no run has an evaluation.
 */
export function evalLossSpec(runs: readonly PlotRun[], options: { title?: string } = {}): TopLevelSpec {
  const rows = evalLossRows(runs);
  if (rows.length === 0) throw new RangeError(`evalLossSpec: none of the ${runs.length} runs has an evaluation log`);
  const configurations = configurationsOf(runs).filter(({ configuration }) =>
    rows.some((row) => row.configuration === configuration),
  );
  const styles = configurationStyles(configurations.map(({ configuration }) => configuration));
  const labels = configurations.map(({ label }) => label);
  // Same field, title and domain on colour and shape: Vega-Lite merges them into one legend.
  const color = {
    field: 'label',
    type: 'nominal',
    title: null,
    sort: labels,
    scale: { domain: labels, range: styles.map((style) => style.color) },
  } as const;
  const shape = {
    field: 'label',
    type: 'nominal',
    title: null,
    sort: labels,
    scale: { domain: labels, range: styles.map((style) => style.shape) },
  } as const;
  return {
    $schema: vegaLiteSchema,
    title: options.title ?? 'Evaluation loss during training (Figure 2b)',
    config: baseConfig,
    data: { values: rows },
    width: 460,
    height: 300,
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'Steps', axis: { labelExpr: thousandsLabelExpr } },
      y: { field: 'loss', type: 'quantitative', title: 'Eval Cross-entropy Loss', scale: { zero: false } },
      color: { ...color, legend: { orient: 'top-right', fillColor: 'white', padding: 6, strokeColor: '#dddddd' } },
      detail: { field: 'run', type: 'nominal' },
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5 } },
      {
        mark: { type: 'point', filled: true, size: 40, opacity: 1 },
        encoding: {
          shape,
          tooltip: [
            { field: 'label', type: 'nominal', title: 'Model' },
            { field: 'seed', type: 'quantitative', title: 'Seed' },
            { field: 'step', type: 'quantitative', title: 'Step' },
            { field: 'loss', type: 'quantitative', title: 'Loss', format: '.4f' },
          ],
        },
      },
    ],
  };
}
