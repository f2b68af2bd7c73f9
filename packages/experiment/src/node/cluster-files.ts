/**
 * Write the files of `emitSlurm` / `emitKubernetes` into the experiment folder (`<exp>/slurm/`,
 * `<exp>/kubernetes/`), atomically, scripts executable. The scripts find each other through their
 * own folder, so the set stays together.
 */
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@normfree/core/node';
import type { EmittedFiles } from '../emit/index.js';

/** Write `emitted` into `<experimentDir>/<folder>/`; returns the paths written. */
export async function writeClusterFiles(
  experimentDir: string,
  folder: 'slurm' | 'kubernetes',
  emitted: EmittedFiles,
): Promise<string[]> {
  const paths: string[] = [];
  for (const file of emitted.files) {
    const path = join(experimentDir, folder, file.name);
    await writeFileAtomic(path, file.text);
    if (file.executable) await chmod(path, 0o755);
    paths.push(path);
  }
  return paths;
}
