/**
 * Progress of every run on stderr: a cli-progress MultiBar (ETA, live loss) in a terminal, and plain
 * periodic lines otherwise (CI logs, `| tee`), because cli-progress prints nothing without a TTY
 * unless told to (toolchain.md §10.2).
 */
import cliProgress from 'cli-progress';

export interface RunProgress {
  /** Optimizer steps completed. */
  readonly step: number;
  readonly steps: number;
  /** Latest training loss. */
  readonly loss?: number;
  /** Latest evaluation loss. */
  readonly evalLoss?: number;
}

export interface ProgressDisplay {
  /** A run starts (or resumes at `startStep`). */
  start(runId: string, options: { steps: number; startStep: number }): void;
  update(runId: string, progress: RunProgress): void;
  /** A run ends; `message` is e.g. `completed, eval loss 5.123` or `diverged at step 40`. */
  finish(runId: string, message: string): void;
  /** A line of text that does not disturb the bars. */
  log(line: string): void;
  stop(): void;
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const rounded = Math.round(seconds);
  const hours = Math.floor(rounded / 3600);
  const minutes = Math.floor((rounded % 3600) / 60);
  const rest = rounded % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

const formatLoss = (loss: number | undefined): string => (loss === undefined ? '—' : Number.isFinite(loss) ? loss.toFixed(3) : String(loss));

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
export function createLineProgress(options: { write: (line: string) => void; intervalMs?: number; now?: () => number }): ProgressDisplay {
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
      write(`${runId}: step ${progress.step}/${progress.steps} loss ${formatLoss(progress.loss)}${evalPart} ETA ${formatDuration(eta)}`);
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
      bars.get(runId)?.update(progress.step, { loss: formatLoss(progress.loss), evalLoss: formatLoss(progress.evalLoss) });
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
export function createProgressDisplay(options: { stream?: NodeJS.WriteStream; plain?: boolean; intervalMs?: number } = {}): ProgressDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.plain !== true && stream.isTTY === true) return createBarProgress({ stream });
  return createLineProgress({ write: (line) => stream.write(line), ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }) });
}

/** A display that shows nothing (tests, `--quiet`). */
export const silentProgress: ProgressDisplay = { start() {}, update() {}, finish() {}, log() {}, stop() {} };
