/**
 * `normfree plot-authors <dirs...>`: the same figures and report from the authors' PyTorch text logs
 * (`entropy_logs/`, `nan_count_logs/`, `neg_slope_logs/`, optionally `trainer_state.json`), one
 * folder per configuration, read by @normfree/plot's `readAuthorsLogs`.
 *
 * The output folder must be empty, missing, or an earlier plot-authors output (marked by
 * `authors-figures.json`); anything else is refused, so nothing of the user's is overwritten. The
 * plotting code is loaded when the command runs, not when its options are declared
 * ({@link plotAuthorsDefinition}).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { PlotRun } from '@normfree/plot';
import { writeJsonAtomic } from '@normfree/core/node';
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { UsageError, errorMessage, exitCodes } from '../errors.js';

export const authorsMarkerFile = 'authors-figures.json';

async function checkOutDir(outDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new UsageError(`--out '${outDir}' cannot be read: ${errorMessage(error)}`);
  }
  if (names.length === 0) return;
  if (!names.includes(authorsMarkerFile)) {
    throw new UsageError(
      `--out '${outDir}' is not empty and holds no ${authorsMarkerFile} (it is not an earlier plot-authors output); nothing was written. Choose another --out.`,
    );
  }
  try {
    JSON.parse(await readFile(join(outDir, authorsMarkerFile), 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${join(outDir, authorsMarkerFile)} is damaged (${errorMessage(error)}); choose another --out`,
    );
  }
}

export async function plotAuthorsCommand(options: {
  dirs: readonly string[];
  outDir: string;
  io: CliIo;
}): Promise<number> {
  const { io, outDir } = options;
  await checkOutDir(outDir);
  const { readAuthorsLogs, writeReport } = await import('@normfree/plot/node');
  const runs: PlotRun[] = [];
  for (const dir of options.dirs) {
    try {
      runs.push(await readAuthorsLogs(dir, { configuration: basename(dir) }));
    } catch (error) {
      throw new UsageError(errorMessage(error));
    }
  }
  const written = await writeReport(outDir, { runs, title: "Figures from the authors' PyTorch logs" });
  await writeJsonAtomic(join(outDir, authorsMarkerFile), {
    kind: 'normfree-authors-figures',
    sources: options.dirs,
    createdAt: new Date().toISOString(),
  });
  io.stdout(
    `${runs.length} run(s) read: ${runs.map((run) => `${run.label} (${run.entropy.length} entropy, ${run.slopes.length} slope records)`).join(', ')}\n`,
  );
  io.stdout(`figures: ${written.figureFiles.length} files in ${outDir}\nreport: ${written.markdownPath}\n`);
  return exitCodes.ok;
}

/** `normfree plot-authors <dirs...> [--out <dir>]`. */
export const plotAuthorsDefinition: CommandDefinition = {
  name: 'plot-authors',
  register(program, context) {
    const { io, absolute, setExitCode } = context;
    program
      .command('plot-authors')
      .description(
        "draw the same figures from the authors' PyTorch text logs (entropy_logs/, nan_count_logs/, neg_slope_logs/)",
      )
      .argument('<dirs...>', "one folder per configuration, each holding the authors' log folders")
      .option('--out <dir>', 'where figures and the report go (default: ./authors-figures)')
      .action(async (dirs: string[], flags: { out?: string }) => {
        const outDir = absolute(flags.out ?? 'authors-figures');
        setExitCode(await plotAuthorsCommand({ dirs: dirs.map(absolute), outDir, io }));
      });
  },
};
