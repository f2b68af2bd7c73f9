/**
 * `normfree prepare`: CodeParrot-style files → a token store (@normfree/data's `prepareTokenStore`),
 * with a progress bar (MB/s, ETA) in a terminal and plain lines elsewhere. Ctrl-C stops at the next
 * shard boundary; the same command resumes. This file declares the command's options
 * ({@link prepareDefinition}), parses and prints only; cli-progress is loaded when a prepare starts.
 */
import type cliProgress from 'cli-progress';
import { availableParallelism } from 'node:os';
import { formatDuration } from '@normfree/experiment';
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { exitCodes } from '../errors.js';
import { fieldOption } from '../option-groups/corpus-options.js';
import { addProgressOptions, type ProgressFlags } from '../option-groups/progress-options.js';
import { parseFraction, parseNonNegativeInteger, parsePositiveInteger } from '../option-parsers.js';
import { definedFields } from '@normfree/core';

export interface PrepareCommandOptions {
  /** Input files, folders or globs, as given (relative ones resolve against `io.cwd`). */
  readonly inputs: readonly string[];
  readonly outDir: string;
  readonly validation?: readonly string[];
  readonly validationFraction?: number;
  readonly seed?: number;
  /** `default-4096`, `gpt2`, or a tokenizer.json path (absolute). */
  readonly tokenizer: string;
  readonly field?: string;
  readonly seqLen?: number;
  readonly windowsPerShard?: number;
  readonly workers?: number;
  readonly maxFiles?: number;
  readonly maxTokens?: number;
  readonly skipBadFiles?: boolean;
  readonly plainProgress?: boolean;
  readonly progressIntervalSeconds?: number;
  readonly io: CliIo;
}

const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0);
const count = (value: number): string => value.toLocaleString('en-US');
const plural = (value: number, noun: string): string => `${count(value)} ${noun}${value === 1 ? '' : 's'}`;

/** Progress as the library reports it (a subset is enough to draw). */
interface PrepareProgressView {
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** Read before this call (a resume): not part of the rate. */
  readonly bytesAtStart: number;
  readonly windows: number;
  readonly elapsedSeconds: number;
}

/** How {@link progressView} draws: cli-progress (loaded by the action, not at start-up) and where to. */
interface ProgressViewOptions {
  bars: typeof cliProgress;
  stream: NodeJS.WriteStream;
  plain: boolean;
  intervalMs: number;
  write: (line: string) => void;
  sample: boolean;
}

/** A bar in a terminal, else a plain line every `intervalMs`. */
function progressView(options: ProgressViewOptions): {
  update(progress: PrepareProgressView): void;
  stop(): void;
} {
  const rate = (progress: PrepareProgressView): number =>
    progress.elapsedSeconds > 0 ? (progress.bytesRead - progress.bytesAtStart) / 1e6 / progress.elapsedSeconds : 0;
  const eta = (progress: PrepareProgressView): string => {
    // A --max-files / --max-tokens sample stops before the end of the input: no honest ETA.
    if (options.sample) return '— (a sample)';
    const perSecond = rate(progress) * 1e6;
    return perSecond > 0 ? formatDuration((progress.totalBytes - progress.bytesRead) / perSecond) : '—';
  };
  if (!options.plain && options.stream.isTTY === true) {
    const bar = new options.bars.SingleBar(
      {
        stream: options.stream,
        format:
          'prepare |{bar}| {percentage}% | {done} / {total_mb} MB | {rate} MB/s | {windows} windows | ETA {eta_text}',
        hideCursor: true,
        fps: 5,
        barsize: 24,
      },
      options.bars.Presets.shades_classic,
    );
    let started = false;
    return {
      update(progress) {
        const values = {
          done: megabytes(progress.bytesRead),
          total_mb: megabytes(progress.totalBytes),
          rate: rate(progress).toFixed(1),
          windows: count(progress.windows),
          eta_text: eta(progress),
        };
        if (!started) bar.start(Math.max(1, progress.totalBytes), progress.bytesRead, values);
        else bar.update(progress.bytesRead, values);
        started = true;
      },
      stop: () => bar.stop(),
    };
  }
  let lastPrinted = Number.NEGATIVE_INFINITY;
  return {
    update(progress) {
      const now = Date.now();
      if (now - lastPrinted < options.intervalMs) return;
      lastPrinted = now;
      const percent = progress.totalBytes > 0 ? ((100 * progress.bytesRead) / progress.totalBytes).toFixed(1) : '—';
      options.write(
        `[normfree] prepare: ${megabytes(progress.bytesRead)} / ${megabytes(progress.totalBytes)} MB (${percent} %), ${rate(progress).toFixed(1)} MB/s, ${count(progress.windows)} windows, ETA ${eta(progress)}\n`,
      );
    },
    stop: () => undefined,
  };
}

export async function prepareCommand(options: PrepareCommandOptions): Promise<number> {
  const { io } = options;
  const { prepareTokenStore, tokenizerSpecFromName } = await import('@normfree/data/node');
  const { handleInterrupts } = await import('@normfree/experiment/node');
  const { default: bars } = await import('cli-progress');
  const view = progressView({
    bars,
    stream: io.progressStream,
    plain: options.plainProgress === true,
    intervalMs: (options.progressIntervalSeconds ?? 10) * 1000,
    write: io.stderr,
    sample: options.maxFiles !== undefined || options.maxTokens !== undefined,
  });
  const interrupts = handleInterrupts(() =>
    io.stderr('\n[normfree] stopping after the current shard (finished shards are kept); Ctrl-C again quits at once\n'),
  );
  const started = Date.now();
  try {
    const result = await prepareTokenStore({
      inputs: options.inputs,
      outDir: options.outDir,
      tokenizer: await tokenizerSpecFromName(options.tokenizer),
      ...definedFields({
        validation: options.validation,
        validationFraction: options.validationFraction,
        seed: options.seed,
        field: options.field,
        seqLen: options.seqLen,
        windowsPerShard: options.windowsPerShard,
        workers: options.workers,
        maxFiles: options.maxFiles,
        maxTokens: options.maxTokens,
      }),
      skipBadFiles: options.skipBadFiles === true,
      onProgress: (progress) => view.update(progress),
      signal: interrupts.signal,
    });
    view.stop();
    if (result.status === 'stopped') {
      io.stderr(
        `[normfree] stopped; ${options.outDir} keeps every finished shard. Run the same command again to resume.\n`,
      );
      return exitCodes.interrupted;
    }
    const { manifest } = result;
    if (result.resumed)
      io.stderr(`[normfree] resumed an unfinished prepare in ${options.outDir}; its finished shards were kept\n`);
    const { train, validation } = manifest.splits;
    const seconds = (Date.now() - started) / 1000;
    const shardBytes = [...train.shards, ...validation.shards].reduce((sum, shard) => sum + shard.bytes, 0);
    const inputBytes = manifest.sources.reduce((sum, source) => sum + source.bytes, 0);
    io.stdout(
      [
        `token store: ${options.outDir}`,
        `  tokenizer ${manifest.tokenizer.name} (${count(manifest.tokenizer.vocabSize)} ids, ${manifest.dtype}), windows of ${manifest.seqLen} tokens`,
        `  train:      ${count(train.documents)} files, ${count(train.tokens)} tokens, ${count(train.windows)} windows in ${plural(train.shards.length, 'shard')}`,
        `  validation: ${count(validation.documents)} files, ${count(validation.tokens)} tokens, ${count(validation.windows)} windows in ${plural(validation.shards.length, 'shard')}`,
        `  from ${plural(manifest.sources.length, 'input file')} (${megabytes(inputBytes)} MB on disk) in ${formatDuration(seconds)}; the store holds ${megabytes(shardBytes)} MB`,
        ...(manifest.skippedFiles.length === 0
          ? []
          : [
              `  skipped ${manifest.skippedFiles.length} unreadable files (listed in manifest.json): ${manifest.skippedFiles.map((file) => file.path).join(', ')}`,
            ]),
        `train on it with: normfree reproduce --data ${options.outDir} (or normfree train --data ${options.outDir})`,
      ].join('\n') + '\n',
    );
    return exitCodes.ok;
  } finally {
    view.stop();
    interrupts.dispose();
  }
}

/** The flags of `prepare` as commander hands them to its action. */
interface PrepareFlags extends ProgressFlags {
  out: string;
  validation?: string[];
  validationFraction?: number;
  seed?: number;
  tokenizer: string;
  field?: string;
  seqLen?: number;
  windowsPerShard?: number;
  workers?: number;
  maxFiles?: number;
  maxTokens?: number;
  skipBadFiles?: boolean;
}

/** `normfree prepare <inputs...> --out <store>`. */
export const prepareDefinition: CommandDefinition = {
  name: 'prepare',
  register(program, context) {
    const { io, absolute, absoluteInput, setExitCode } = context;
    const command = program
      .command('prepare')
      .description(
        'tokenize CodeParrot-style files (.jsonl, .jsonl.gz / .json.gz, .parquet; files, folders, globs) ' +
          'into a token store that --data trains on; streams, uses every core, resumes when run again',
      )
      .argument(
        '<inputs...>',
        'input files, folders (a Hugging Face dataset folder: its data/train-*.parquet) or globs',
      )
      .requiredOption(
        '--out <dir>',
        'the token store folder to write (new or empty, or an unfinished prepare of the same inputs to resume)',
      )
      .option(
        '--validation <paths...>',
        'separate validation inputs (e.g. codeparrot-clean-valid); otherwise a seeded share of the input files',
      )
      .option(
        '--validation-fraction <f>',
        'share of input files held out for validation when there is no --validation (default 0.05)',
        parseFraction,
      )
      .option('--seed <n>', 'seed of the validation split by file (default 0)', parseNonNegativeInteger)
      .option(
        '--tokenizer <name>',
        "'default-4096' (the embedded BPE), 'gpt2', or a tokenizer.json path",
        'default-4096',
      )
      .addOption(fieldOption())
      .option(
        '--seq-len <n>',
        'window length T: each file is cut into T-token windows, its tail dropped (default 128)',
        parsePositiveInteger,
      )
      .option('--windows-per-shard <n>', 'windows per shard file (default 65536)', parsePositiveInteger)
      .option(
        '--workers <n>',
        `tokenizer threads (default: ${availableParallelism()}, the cores here)`,
        parsePositiveInteger,
      )
      .option('--max-files <n>', 'stop after this many source files (rows), a sample', parsePositiveInteger)
      .option('--max-tokens <n>', 'stop after the file that reaches this many tokens, a sample', parsePositiveInteger)
      .option(
        '--skip-bad-files',
        'skip unreadable (truncated, corrupt) input files and list them in the manifest, instead of stopping',
      );
    addProgressOptions(command).action(async (inputs: string[], flags: PrepareFlags) => {
      const { out, validation, progressInterval, tokenizer, ...rest } = flags;
      setExitCode(
        await prepareCommand({
          ...rest,
          // a built-in name, else a tokenizer.json path (relative to the working folder)
          tokenizer: tokenizer === 'default-4096' || tokenizer === 'gpt2' ? tokenizer : absolute(tokenizer),
          inputs: inputs.map(absoluteInput),
          outDir: absolute(out),
          ...(validation === undefined ? {} : { validation: validation.map(absoluteInput) }),
          progressIntervalSeconds: progressInterval,
          io,
        }),
      );
    });
  },
};
