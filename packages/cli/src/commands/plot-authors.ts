/** `normfree plot-authors <dirs...>`: the same figures from the authors' PyTorch text logs. */
import { exitCodes } from '../errors.js';
import type { CliIo } from '../program.js';

export async function plotAuthorsCommand(options: { dirs: readonly string[]; outDir: string; io: CliIo }): Promise<number> {
  void options;
  return exitCodes.failure;
}
