/**
 * Opening a store folder for `prepareTokenStore`: a new or empty folder starts a prepare, an
 * unfinished prepare with the same identity is resumed, anything else (a complete store, another
 * prepare's state, unrelated files) is refused with an error naming the folder.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '@normfree/core/node';
import { tokenStoreFileNames } from '../../token-store-format.js';
import {
  identityDifference,
  prepareStateFormat,
  prepareStatePath,
  readPrepareState,
  type PrepareCounts,
  type PrepareIdentity,
  type PrepareState,
} from './prepare-state.js';

function zeroCounts(): PrepareCounts {
  return { documents: 0, tokens: 0 };
}

/**
 * Opens the store folder: a new or empty folder starts a prepare (its state saved at once, so the
 * folder is recognisably ours), an unfinished prepare with the same identity is resumed.
 */
export async function openStoreFolder(
  outDir: string,
  identity: PrepareIdentity,
): Promise<{ state: PrepareState; resumed: boolean }> {
  let entries: string[] | undefined;
  try {
    entries = await readdir(outDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new Error(`${outDir}: the output path is a file, not a folder`);
    if (code !== 'ENOENT') throw error;
  }
  if (entries?.includes(tokenStoreFileNames.manifest)) {
    throw new Error(
      `${outDir}: the folder already holds a complete token store (${tokenStoreFileNames.manifest}); ` +
        'choose another folder or delete it',
    );
  }
  if (entries?.includes(tokenStoreFileNames.work)) {
    const saved = await readPrepareState(outDir);
    if (saved !== undefined) {
      const difference = identityDifference(saved.identity, identity);
      if (difference !== undefined) {
        throw new Error(
          `${outDir}: the folder holds an unfinished prepare with other options (${difference}); ` +
            'rerun with the same options to resume it, or choose another folder',
        );
      }
      return { state: saved, resumed: true };
    }
  }
  const others = (entries ?? []).filter((name) => name !== tokenStoreFileNames.work);
  if (others.length > 0) {
    const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? `, … (${others.length} entries)` : '');
    throw new Error(
      `${outDir}: the output folder is not empty and holds no unfinished token store (found ${shown}); ` +
        'choose an empty or new folder',
    );
  }
  // A .prepare/ without a state: killed before the first state was saved, so nothing was written yet.
  await rm(join(outDir, tokenStoreFileNames.work), { recursive: true, force: true });
  await mkdir(join(outDir, tokenStoreFileNames.work), { recursive: true });
  const state: PrepareState = {
    format: prepareStateFormat,
    version: 1,
    identity,
    cursor: { source: 0, row: 0 },
    splits: {
      train: { ...zeroCounts(), shards: [], partialWindows: 0 },
      validation: { ...zeroCounts(), shards: [], partialWindows: 0 },
    },
    roles: { input: zeroCounts(), validation: zeroCounts() },
    sourceDocuments: identity.inputs.map(() => null),
    skippedFiles: [],
  };
  await writeJsonAtomic(prepareStatePath(outDir), state);
  return { state, resumed: false };
}
