/**
 * `normfree report <dirs...> [--out <dir>]`: rebuild figures and report from logs. One experiment
 * folder: written into it (the same files `reproduce` writes). One run folder (e.g. from
 * `normfree train`): written into it. Several folders (run or experiment folders): their runs in one
 * report, written to `--out`. The report is @normfree/experiment's; this file declares the command
 * ({@link reportDefinition}), checks `--out` and prints.
 */
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { UsageError, exitCodes } from '../errors.js';

export interface ReportCommandOptions {
  readonly dirs: readonly string[];
  /** Absolute; required with several folders. */
  readonly outDir: string | undefined;
  readonly io: CliIo;
}

export async function reportCommand(options: ReportCommandOptions): Promise<number> {
  const { folderKind, writeExperimentReport, writeRunsReport } = await import('@normfree/experiment/node');
  const [first, ...rest] = options.dirs;
  if (first === undefined) throw new UsageError('report needs at least one folder');
  let report;
  if (rest.length === 0 && options.outDir === undefined) {
    report =
      (await folderKind(first)) === 'experiment'
        ? await writeExperimentReport({ dir: first })
        : await writeRunsReport({ dirs: [first], outDir: first });
  } else {
    if (options.outDir === undefined)
      throw new UsageError(`a report over ${options.dirs.length} folders needs --out <dir> for its figures and report`);
    const outKind = await folderKind(options.outDir);
    if (!options.dirs.includes(options.outDir) && (outKind === 'experiment' || outKind === 'run')) {
      throw new UsageError(
        `--out '${options.outDir}' is an experiment or run folder that is not being reported on; its report would be replaced. Choose another --out.`,
      );
    }
    report = await writeRunsReport({ dirs: options.dirs, outDir: options.outDir });
  }
  const where = options.outDir ?? first;
  options.io.stdout(
    `${report.table}\n\nreport: ${report.markdownPath}\n        ${report.htmlPath}\nfigures: ${report.figures.length} files in ${where}\n`,
  );
  if (report.missing.length > 0)
    options.io.stderr(
      `[normfree] ${report.missing.length} planned run(s) have no results yet and are left out: ${report.missing.join(', ')}\n`,
    );
  return exitCodes.ok;
}

/** `normfree report <dirs...> [--out <dir>]`. */
export const reportDefinition: CommandDefinition = {
  name: 'report',
  register(program, context) {
    const { io, absolute, setExitCode } = context;
    program
      .command('report')
      .description(
        'rebuild the figures, report.md and report.html from logs: of an experiment folder, of a run folder, ' +
          'or of several in one report',
      )
      .argument(
        '<dirs...>',
        'an experiment folder (report written into it), a run folder from `train` (likewise), ' +
          'or several of either with --out',
      )
      .option('--out <dir>', 'where the figures and report go (required with several folders)')
      .action(async (dirs: string[], flags: { out?: string }) => {
        const outDir = flags.out === undefined ? undefined : absolute(flags.out);
        setExitCode(await reportCommand({ dirs: dirs.map(absolute), outDir, io }));
      });
  },
};
