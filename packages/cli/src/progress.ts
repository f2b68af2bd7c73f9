/**
 * Progress of every run on stderr: a cli-progress MultiBar (ETA, live loss) in a terminal, and plain
 * periodic lines otherwise (CI logs, `| tee`), because cli-progress prints nothing without a TTY
 * unless told to (toolchain.md §10.2).
 */
import cliProgress from 'cli-progress';
import { formatDuration, type ExperimentProgress } from '@normfree/experiment';
import { definedFields } from '@normfree/core';

/** How the command line shows an experiment's progress events (@normfree/experiment emits them). */
export type ProgressDisplay = ExperimentProgress;

const formatLoss = (loss: number | undefined): string =>
  loss === undefined ? '—' : Number.isFinite(loss) ? loss.toFixed(3) : String(loss);

interface RunClock {
  startedAt: number;
  startStep: number;
  steps: number;
  lastPrintedAt: number;
}

/**
 * Plain lines: one when a run starts, one at most every `intervalMs` per run with step, loss and ETA,
 * one when it ends.
 */
export function createLineProgress(options: {
  write: (line: string) => void;
  intervalMs?: number;
  now?: () => number;
}): ProgressDisplay {
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? (() => Date.now());
  const clocks = new Map<string, RunClock>();
  const write = (line: string): void => options.write(`[normfree] ${line}\n`);
  return {
    start(runId, { steps, startStep }) {
      const time = now();
      clocks.set(runId, { startedAt: time, startStep, steps, lastPrintedAt: time });
      write(`${runId}: ${startStep > 0 ? `resuming at step ${startStep}` : 'starting'}, ${steps} steps`);
    },
    update(runId, progress) {
      const clock = clocks.get(runId);
      if (clock === undefined) return;
      const time = now();
      if (time - clock.lastPrintedAt < intervalMs) return;
      clock.lastPrintedAt = time;
      const done = progress.step - clock.startStep;
      const eta = done > 0 ? ((time - clock.startedAt) / 1000 / done) * (progress.steps - progress.step) : Number.NaN;
      const evalPart = progress.evalLoss === undefined ? '' : ` eval ${formatLoss(progress.evalLoss)}`;
      write(
        `${runId}: step ${progress.step}/${progress.steps} loss ${formatLoss(progress.loss)}${evalPart} ETA ${formatDuration(eta)}`,
      );
    },
    finish(runId, message) {
      const clock = clocks.get(runId);
      const elapsed = clock === undefined ? '' : ` in ${formatDuration((now() - clock.startedAt) / 1000)}`;
      write(`${runId}: ${message}${elapsed}`);
      clocks.delete(runId);
    },
    log(line) {
      write(line);
    },
    stop() {
      clocks.clear();
    },
  };
}

/** cli-progress bars, one per running run, on `stream` (a TTY). */
export function createBarProgress(options: { stream: NodeJS.WritableStream }): ProgressDisplay {
  const multibar = new cliProgress.MultiBar(
    {
      stream: options.stream,
      format: '{run} |{bar}| {value}/{total} steps | loss {loss} | eval {evalLoss} | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  const width = 24;
  return {
    start(runId, { steps, startStep }) {
      bars.set(runId, multibar.create(steps, startStep, { run: runId.padEnd(width), loss: '—', evalLoss: '—' }));
    },
    update(runId, progress) {
      bars
        .get(runId)
        ?.update(progress.step, { loss: formatLoss(progress.loss), evalLoss: formatLoss(progress.evalLoss) });
    },
    finish(runId, message) {
      const bar = bars.get(runId);
      if (bar !== undefined) {
        bar.stop();
        multibar.remove(bar);
        bars.delete(runId);
      }
      multibar.log(`${runId}: ${message}\n`);
    },
    log(line) {
      multibar.log(`${line}\n`);
    },
    stop() {
      // Log lines wait in cli-progress's buffer until the next redraw: flush them before stopping.
      multibar.update();
      multibar.stop();
    },
  };
}

/** Bars in a terminal, plain lines otherwise (or when `plain` is set). */
export function createProgressDisplay(
  options: { stream?: NodeJS.WriteStream; plain?: boolean; intervalMs?: number } = {},
): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.plain !== true && stream.isTTY === true) return createBarProgress({ stream });
  return createLineProgress({
    write: (line) => stream.write(line),
    ...definedFields({ intervalMs: options.intervalMs }),
  });
}
