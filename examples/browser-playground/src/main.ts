/**
 * The playground page: pick a preset, two configurations and a backend; train both in turns in this
 * page (the trainer yields to the event loop every step, so the page stays responsive); watch the
 * loss curves and the head-entropy heatmaps update live; download the run folder as a zip.
 *
 * `window.normfreePlayground` exposes the same actions to the browser tests.
 */
import type { BackendName, SelectedBackend } from '@normfree/backend';
import { experimentConfigurations, paperConfigurationIds, type RunLogRecord, definedFields } from '@normfree/core';
import type { PlotRun } from '@normfree/plot';
import { choosePageBackend, pageBackends } from './backend-choice.js';
import { headEntropySpec, renderSpec, trainingLossSpec } from './charts.js';
import type { GoldenForward, GoldenOutputs } from './golden-check.js';
import { runFolderFiles, zipRunFolder } from './run-folder.js';
import {
  liveTensors,
  medianTokensPerSecond,
  pagePresets,
  runSession,
  type PagePreset,
  type RunState,
  type Session,
} from './session.js';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const presetSelect = element<HTMLSelectElement>('preset');
const configurationSelects = [
  element<HTMLSelectElement>('configuration-a'),
  element<HTMLSelectElement>('configuration-b'),
];
const backendSelect = element<HTMLSelectElement>('backend');
const stepsInput = element<HTMLInputElement>('steps');
const dataInput = element<HTMLInputElement>('data');
const allowSoftware = element<HTMLInputElement>('allow-software');
const trainButton = element<HTMLButtonElement>('train');
const stopButton = element<HTMLButtonElement>('stop');
const downloadButton = element<HTMLButtonElement>('download');
const status = element<HTMLParagraphElement>('status');
const backendInfo = element<HTMLParagraphElement>('backend-info');
const lossChart = element<HTMLDivElement>('loss-chart');
const heatmaps = element<HTMLDivElement>('heatmaps');

function option(select: HTMLSelectElement, value: string, text: string): void {
  const entry = document.createElement('option');
  entry.value = value;
  entry.textContent = text;
  select.append(entry);
}

for (const name of pagePresets) option(presetSelect, name, name);
for (const [index, select] of configurationSelects.entries()) {
  if (index === 1) option(select, '', '(none)');
  for (const configuration of experimentConfigurations)
    option(select, configuration.id, `${configuration.label} — ${configuration.description}`);
}
configurationSelects[0]!.value = paperConfigurationIds[0]; // SM+LN+G, the baseline
configurationSelects[1]!.value = paperConfigurationIds[3]; // SM+R, the paper's LayerNorm-free pick
for (const name of pageBackends) option(backendSelect, name, name);
presetSelect.addEventListener('change', () => {
  stepsInput.value = presetSelect.value === 'smoke' ? '8' : '300';
});

let session: Session | undefined;
let stopper: AbortController | undefined;
let lastSelected: SelectedBackend | undefined;
let lastResult: TrainResult | undefined;

function plotRunOf(run: RunState): PlotRun {
  const steps = run.records.filter((record) => record.type === 'step');
  const entropy = run.records.filter((record) => record.type === 'entropy');
  return {
    label: run.configuration.label,
    configuration: run.configuration.id,
    seed: run.training.seed,
    status: run.status === 'running' ? 'running' : run.status,
    steps,
    evals: run.records.filter((record) => record.type === 'eval'),
    entropy,
    slopes: run.records.filter((record) => record.type === 'slopes'),
    ...definedFields({ finalEntropy: run.finalEntropy }),
  };
}

// Rendering every record would cost more than a smoke step: draw at most every 400 ms, and at the end.
let renderQueued = false;
let liveRuns: readonly RunState[] = [];
async function renderCharts(): Promise<void> {
  renderQueued = false;
  const runs = liveRuns.map(plotRunOf);
  await renderSpec(lossChart, trainingLossSpec(runs.map((run) => ({ label: run.label, steps: run.steps }))));
  const spec = headEntropySpec(runs);
  if (spec !== undefined) await renderSpec(heatmaps, spec);
  document.body.dataset['rendered'] = String(Number(document.body.dataset['rendered'] ?? '0') + 1);
}
function queueRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => void renderCharts(), 400);
}

function describeRuns(runs: readonly RunState[]): string {
  return runs
    .map((run) => {
      const steps = run.records.filter((record) => record.type === 'step');
      const last = steps.at(-1);
      const speed = medianTokensPerSecond(run.records);
      return `${run.configuration.label}: step ${last?.step ?? 0}/${run.training.steps}, loss ${last?.loss.toFixed(3) ?? '–'}${speed === undefined ? '' : `, ${Math.round(speed)} tokens/s`} (${run.status})`;
    })
    .join(' · ');
}

export interface TrainRequest {
  readonly preset: PagePreset;
  readonly configurations: readonly string[];
  readonly backend: BackendName;
  readonly steps: number;
  readonly allowSoftwareAdapter?: boolean;
  /** URL of a token store to train on (default: the embedded corpus). */
  readonly data?: string;
}

/** What the tests read back after a session. */
export interface TrainResult {
  readonly backend: SelectedBackend;
  readonly runs: {
    configuration: string;
    label: string;
    status: string;
    losses: number[];
    tokensPerSecond: number | undefined;
    msPerStep: number[];
    perHead: number[][] | undefined;
    records: number;
  }[];
  readonly liveTensorsAfter: number;
  readonly files: string[];
}

async function trainSession(request: TrainRequest): Promise<TrainResult> {
  document.body.dataset['state'] = 'training';
  trainButton.disabled = true;
  downloadButton.disabled = true;
  stopButton.disabled = false;
  stopper = new AbortController();
  try {
    status.textContent = `Starting backend ${request.backend}…`;
    const messages: string[] = [];
    const selected = await choosePageBackend(request.backend, {
      allowSoftwareAdapter: request.allowSoftwareAdapter ?? false,
      log: (message) => messages.push(message),
    });
    lastSelected = selected;
    backendInfo.textContent = [
      `backend: ${selected.name} — ${selected.info}`,
      ...selected.skipped.map((entry) => `skipped ${entry.name}: ${entry.reason}`),
    ].join('\n');
    liveRuns = [];
    session = await runSession({
      preset: request.preset,
      configurationIds: request.configurations,
      steps: request.steps,
      backend: selected.name,
      ...(request.data === undefined || request.data === '' ? {} : { dataUrl: request.data }),
      signal: stopper.signal,
      onStatus: (text) => {
        status.textContent = text;
      },
      onRecord: (run, record: RunLogRecord) => {
        if (!liveRuns.includes(run)) liveRuns = [...liveRuns, run];
        if (record.type === 'step' || record.type === 'entropy') status.textContent = describeRuns(liveRuns);
        queueRender();
      },
    });
    liveRuns = session.runs;
    await renderCharts();
    status.textContent = `Done. ${describeRuns(session.runs)}`;
    downloadButton.disabled = false;
    lastResult = {
      backend: selected,
      runs: session.runs.map((run) => ({
        configuration: run.configuration.id,
        label: run.configuration.label,
        status: run.status,
        losses: run.records.flatMap((record) => (record.type === 'step' ? [record.loss] : [])),
        msPerStep: run.records.flatMap((record) => (record.type === 'step' ? [record.msPerStep] : [])),
        tokensPerSecond: medianTokensPerSecond(run.records),
        perHead: (
          run.finalEntropy?.perHead ?? run.records.filter((record) => record.type === 'entropy').at(-1)?.perHead
        )?.map((row) => [...row]),
        records: run.records.length,
      })),
      liveTensorsAfter: liveTensors(),
      files: [...runFolderFiles(session).keys()],
    };
    return lastResult;
  } catch (error) {
    status.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  } finally {
    trainButton.disabled = false;
    stopButton.disabled = true;
    document.body.dataset['state'] = 'ready';
  }
}

element<HTMLFormElement>('controls').addEventListener('submit', (event) => {
  event.preventDefault();
  const configurations = configurationSelects.map((select) => select.value).filter((value) => value !== '');
  void trainSession({
    preset: presetSelect.value as PagePreset,
    configurations,
    backend: backendSelect.value as BackendName,
    steps: Number(stepsInput.value),
    allowSoftwareAdapter: allowSoftware.checked,
    data: dataInput.value.trim(),
  }).catch((error: unknown) => console.error(error));
});
stopButton.addEventListener('click', () => stopper?.abort());
downloadButton.addEventListener('click', () => {
  if (session === undefined) return;
  const { name, bytes } = zipRunFolder(session);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
});

const hook = {
  train: trainSession,
  /** The zip the download button saves, as bytes (for the tests). */
  zip: (): number[] => (session === undefined ? [] : Array.from(zipRunFolder(session).bytes)),
  /** Forward pass of a golden fixture (served by the test server under `base`) on `backend`. */
  async goldenForward(base: string, backend: BackendName): Promise<GoldenForward> {
    await choosePageBackend(backend, { strict: true });
    const [{ goldenForward }, safetensors, outputs] = await Promise.all([
      import('./golden-check.js'),
      fetch(`${base}.safetensors`).then(async (response) => new Uint8Array(await response.arrayBuffer())),
      fetch(`${base}.json`).then((response) => response.json() as Promise<GoldenOutputs>),
    ]);
    return goldenForward(safetensors, outputs);
  },
  /** Batch `step` of a token store's training split as the page's sampler reads it (HTTP range requests). */
  async storeBatch(url: string, step: number, batchSize: number, seed: number): Promise<number[]> {
    const { openRemoteTokenStore, createRemoteBatchSampler } = await import('@normfree/data');
    const store = await openRemoteTokenStore(new URL(url, location.href));
    const sampler = createRemoteBatchSampler({ windows: store.split('train'), batchSize, seed });
    await sampler.load(step);
    return Array.from(sampler.batchAt(step).inputIds);
  },
  selected: () => lastSelected,
  /** The result of the last session, whether started here or from the page's controls. */
  lastResult: () => lastResult,
};
(window as unknown as { normfreePlayground: typeof hook }).normfreePlayground = hook;
status.textContent = 'Ready. Pick a preset, two configurations and a backend, then Train.';
document.body.dataset['state'] = 'ready';
