#!/usr/bin/env node
// Writes the prebuilt token store of the embedded corpus, assets/default-store/ (default 4096-id BPE,
// T = 128), with writeDefaultTokenStore from the freshly built dist/: the code path of
// `normfree prepare`. Run by this package's `build` and `prepack` after `tsc -b`. The store is
// deterministic (its manifest hash is the same on every machine), so rebuilding is only a matter of
// time: a store whose `.build-key` matches the corpus, tokenizer and rule is kept as it is.
//
//   node scripts/build-default-store.mjs [--force]
import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const { defaultAssetPaths, defaultStoreInputsKey, writeDefaultTokenStore } = await import('../dist/node/index.js');

const storeDir = defaultAssetPaths.store;
const keyFile = join(storeDir, '.build-key');
const key = await defaultStoreInputsKey();
const upToDate =
  !process.argv.includes('--force') &&
  existsSync(join(storeDir, 'manifest.json')) &&
  existsSync(keyFile) &&
  readFileSync(keyFile, 'utf8').trim() === key;
if (!upToDate) {
  // Written beside and renamed into place: an interrupted build leaves no half store behind.
  const partial = `${storeDir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  const manifest = await writeDefaultTokenStore({ outDir: partial });
  await writeFile(join(partial, '.build-key'), `${key}\n`);
  await rm(storeDir, { recursive: true, force: true });
  await rename(partial, storeDir);
  const { train, validation } = manifest.splits;
  console.log(
    `assets/default-store: ${train.windows} train and ${validation.windows} validation windows of ${manifest.seqLen} tokens`,
  );
}
