/** `normfree report <dir>`: rebuild an experiment folder's figures and report from its logs. */
import { exitCodes } from '../errors.js';
import type { CliIo } from '../program.js';

export async function reportCommand(options: { dir: string; io: CliIo }): Promise<number> {
  const { writeExperimentReport } = await import('../write-report.js');
  const report = await writeExperimentReport({ dir: options.dir });
  options.io.stdout(`${report.table}\n\nreport: ${report.markdownPath}\n        ${report.htmlPath}\nfigures: ${report.figures.length} files in ${options.dir}\n`);
  return exitCodes.ok;
}
