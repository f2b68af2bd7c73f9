/**
 * Live charts: the training-loss curve of every run (own small Vega-Lite spec: @normfree/plot draws
 * evaluation loss, not per-step training loss) and the head-entropy heatmaps of @normfree/plot
 * (Figure 1's spec, one panel per run, one shared colour scale so two configurations compare).
 */
import type { StepLog } from '@normfree/core';
import { headEntropyHeatmapSpec, type PlotRun } from '@normfree/plot';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface LossSeries {
  /** Run label, e.g. `SM+LN+G`. */
  readonly label: string;
  readonly steps: readonly StepLog[];
}

/** Vega-Lite spec of training loss against step, one coloured line per run. */
export function trainingLossSpec(series: readonly LossSeries[]): TopLevelSpec {
  const values = series.flatMap((run) => run.steps.map((log) => ({ run: run.label, step: log.step, loss: log.loss })));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 520,
    height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'Step', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: 'Training loss (nats)', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: 'Configuration' },
    },
  };
}

/** Figure 1's heatmaps for the runs that have an entropy log yet; undefined when none has. */
export function headEntropySpec(runs: readonly PlotRun[]): TopLevelSpec | undefined {
  const measured = runs.filter((run) => run.entropy.some((log) => log.perHead !== undefined && log.perHead.length > 0));
  if (measured.length === 0) return undefined;
  const latestStep = Math.max(...measured.map((run) => run.entropy.at(-1)?.step ?? 0));
  return headEntropyHeatmapSpec(measured, {
    title: `Head-wise attention entropy (nats), step ${latestStep}`,
    columns: 2,
  });
}

const views = new WeakMap<HTMLElement, vega.View>();

/** Render a Vega-Lite spec as SVG into `container`, replacing what was there. */
export async function renderSpec(container: HTMLElement, spec: TopLevelSpec): Promise<void> {
  views.get(container)?.finalize();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'svg', container, hover: false });
  views.set(container, view);
  await view.runAsync();
}
