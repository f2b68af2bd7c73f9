/** Plain-text tables of a bench result and of its ratios against a baseline run. */
import { defaultBenchConfiguration, type BaselineRatio, type BenchResult, type BenchRun } from './api.js';
import { definedFields } from '@normfree/core';

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

const number = (value: number | undefined, digits = 0): string =>
  value === undefined || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A parameter count in millions with 3 decimals (124.440 M), or – when unknown. */
const millions = (value: number | undefined): string => (value === undefined ? '–' : `${number(value / 1e6, 3)} M`);

/** A training run's experiment configuration; results written before it was recorded timed `sm-ln-g`. */
const configurationOf = (run: BenchRun): string | undefined =>
  run.job === 'matmul' ? undefined : (run.configuration ?? defaultBenchConfiguration);

function backendLabel(run: BenchRun): string {
  if (run.native?.simd == null) return run.backend;
  const threads =
    run.native.threads === undefined ? '' : `, ${run.native.threads} thread${run.native.threads === 1 ? '' : 's'}`;
  return `${run.backend} (${run.native.simd}${threads})`;
}

/** The bench result as two aligned text tables (training, matmul ceiling) plus skipped/failed reasons. */
export function formatBenchTable(result: BenchResult): string {
  const training = result.runs.filter((run) => run.job !== 'matmul' && run.status === 'ok');
  const matmul = result.runs.filter((run) => run.job === 'matmul' && run.status === 'ok');
  const other = result.runs.filter((run) => run.status !== 'ok');
  const sizes = [...new Set(matmul.flatMap((run) => (run.matmul ?? []).map((entry) => entry.size)))].sort(
    (a, b) => a - b,
  );
  const parts = [
    `normfree bench — ${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}, ${result.date}`,
    '',
    table(
      [
        'backend',
        'preset',
        'configuration',
        'batch',
        'parameters trained / state dict',
        'tokens/s',
        'ms/step median [min–max]',
        'fwd+bwd ms',
        'CPU ms/step',
        'GFLOP/s',
        'peak RSS MiB',
        'loss first→last',
      ],
      training.map((run) => [
        backendLabel(run),
        `${run.job}${run.processes !== undefined && run.processes > 1 ? ` ×${run.processes} proc` : ''}`,
        configurationOf(run) ?? '',
        run.batchSize === undefined ? '–' : `${run.batchSize}×${run.gradientAccumulation ?? 1}`,
        `${millions(run.parameters)} / ${millions(run.stateDictValues)}`,
        number(run.tokensPerSecond),
        `${number(run.msPerStep?.median)} [${number(run.msPerStep?.min)}–${number(run.msPerStep?.max)}]`,
        number(run.forwardBackwardMsPerStep),
        number(run.cpuMsPerStep),
        number(run.achievedGflops, 1),
        number(run.peakRssMiB),
        `${number(run.loss?.first, 3)}→${number(run.loss?.last, 3)}`,
      ]),
    ),
    '',
    table(
      ['backend', ...sizes.map((size) => `matmul ${size}³ GFLOP/s`)],
      matmul.map((run) => [
        backendLabel(run),
        ...sizes.map((size) => number(run.matmul?.find((entry) => entry.size === size)?.gflops, 1)),
      ]),
    ),
  ];
  if (other.length > 0) {
    parts.push(
      '',
      ...other.map(
        (run) =>
          `${run.backend} ${run.job}${run.configuration === undefined ? '' : ` ${run.configuration}`}: ${run.status}: ${run.reason ?? ''}`,
      ),
    );
  }
  if (result.torch !== undefined && result.torch.length > 0) parts.push('', formatTorchComparison(result));
  return parts.join('\n');
}

/**
 * PyTorch's step beside this invocation's wasm+native step of the same preset (default configuration,
 * Pre-LN GELU like Hugging Face's GPT-2): tokens/s of both and normfree ÷ PyTorch.
 */
export function formatTorchComparison(result: BenchResult): string {
  const rows = (result.torch ?? []).map((torch) => {
    // this preset's wasm+native step with the same thread count (results of one thread count only: any)
    const candidates = result.runs.filter(
      (run) =>
        run.backend === 'wasm+native' &&
        run.job === torch.preset &&
        run.status === 'ok' &&
        configurationOf(run) === defaultBenchConfiguration,
    );
    const ours =
      candidates.find((run) => run.native?.threads === torch.threads) ??
      (candidates.length === 1 ? candidates[0] : undefined);
    if (torch.status !== 'ok')
      return [torch.preset, String(torch.threads), `failed: ${torch.reason ?? ''}`, '', '', '', ''];
    const ratio =
      ours?.tokensPerSecond !== undefined && torch.tokensPerSecond !== undefined
        ? `${number(ours.tokensPerSecond / torch.tokensPerSecond, 2)}×`
        : '–';
    return [
      torch.preset,
      `${torch.threads} / ${ours?.native?.threads ?? '–'}`,
      `${torch.batchSize}`,
      `${number(torch.msPerStep?.median)} [${number(torch.msPerStep?.min)}–${number(torch.msPerStep?.max)}]`,
      number(torch.tokensPerSecond),
      number(ours?.tokensPerSecond),
      ratio,
    ];
  });
  const runtime = result.torch?.find((torch) => torch.runtime !== undefined)?.runtime ?? 'torch';
  return `PyTorch (${runtime}, GPT2LMHeadModel, AdamW, same sizes) beside wasm+native ${defaultBenchConfiguration}\n${table(
    [
      'preset',
      'threads torch / native',
      'batch',
      'torch ms/step median [min–max]',
      'torch tokens/s',
      'normfree tokens/s',
      'normfree ÷ torch',
    ],
    rows,
  )}`;
}

export interface BaselineComparison {
  readonly ratios: readonly BaselineRatio[];
  /** The ratios as an aligned text table. */
  readonly text: string;
}

/** Ratios of this run against an earlier one, for every (backend, job, configuration, metric) present in both. */
export function compareWithBaseline(result: BenchResult, baseline: BenchResult): BaselineComparison {
  const ratios: BaselineRatio[] = [];
  for (const run of result.runs) {
    if (run.status !== 'ok') continue;
    const configuration = configurationOf(run);
    const before = baseline.runs.find(
      (candidate) =>
        candidate.backend === run.backend &&
        candidate.job === run.job &&
        configurationOf(candidate) === configuration &&
        candidate.status === 'ok',
    );
    if (before === undefined) continue;
    const add = (metric: string, current: number | undefined, previous: number | undefined): void => {
      if (current === undefined || previous === undefined || !(previous > 0)) return;
      ratios.push({
        backend: run.backend,
        job: run.job,
        ...definedFields({ configuration }),
        metric,
        current,
        baseline: previous,
        ratio: current / previous,
      });
    };
    add('tokens/s', run.tokensPerSecond, before.tokensPerSecond);
    add('ms/step', run.msPerStep?.median, before.msPerStep?.median);
    add('fwd+bwd ms/step', run.forwardBackwardMsPerStep, before.forwardBackwardMsPerStep);
    add('CPU ms/step', run.cpuMsPerStep, before.cpuMsPerStep);
    add('GFLOP/s', run.achievedGflops, before.achievedGflops);
    add('peak RSS MiB', run.peakRssMiB, before.peakRssMiB);
    for (const entry of run.matmul ?? [])
      add(`matmul ${entry.size}³ GFLOP/s`, entry.gflops, before.matmul?.find((old) => old.size === entry.size)?.gflops);
  }
  const text =
    ratios.length === 0
      ? `no comparable runs between this result and the baseline of ${baseline.date}`
      : table(
          ['backend', 'job', 'configuration', 'metric', 'baseline', 'now', 'ratio'],
          ratios.map((entry) => [
            entry.backend,
            entry.job,
            entry.configuration ?? '',
            entry.metric,
            number(entry.baseline, 1),
            number(entry.current, 1),
            `${number(entry.ratio, 2)}×`,
          ]),
        );
  return { ratios, text: `against baseline ${baseline.date}\n${text}` };
}
