/**
 * The last step of `prepareTokenStore`: the store's `manifest.json` (token-store-format.ts), and
 * the tokenizer file beside it when the tokenizer came from one. Both written atomically; the
 * manifest goes last, so a folder with a manifest is a complete store.
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@normfree/core/node';
import {
  tokenStoreFileNames,
  tokenStoreFormat,
  tokenStoreSplitNames,
  tokenStoreVersion,
  type TokenStoreManifest,
  type TokenStoreSplitName,
} from '../../token-store-format.js';
import type { PrepareSettings } from './prepare-options.js';
import type { PrepareSessionSummary } from './prepare-session.js';

/** Options of {@link writeStoreManifest}. */
export interface WriteStoreManifestOptions {
  /** Absolute path of the store folder. */
  readonly outDir: string;
  readonly settings: PrepareSettings;
  /** What the finished session wrote. */
  readonly summary: PrepareSessionSummary;
  /** The manifest's `createdAt` (the only field that differs between two prepares of the same inputs). */
  readonly createdAt: Date;
}

/**
 * Builds the manifest of a finished prepare: its settings, each split's counts and shards, the
 * inputs that were read (in reading order; inputs not reached or skipped are left out) and the
 * skipped ones.
 */
export function buildStoreManifest(options: WriteStoreManifestOptions): TokenStoreManifest {
  const { settings, summary } = options;
  const { tokenizer } = settings;
  const splits = {} as Record<TokenStoreSplitName, TokenStoreManifest['splits'][TokenStoreSplitName]>;
  for (const name of tokenStoreSplitNames) {
    const { documents, tokens, windows, shards } = summary.splits[name];
    splits[name] = { documents, tokens, windows, shards: [...shards] };
  }
  return {
    format: tokenStoreFormat,
    version: tokenStoreVersion,
    createdAt: options.createdAt.toISOString(),
    seqLen: settings.seqLen,
    dtype: settings.dtype,
    windowsPerShard: settings.windowsPerShard,
    tokenizer: {
      name: tokenizer.name,
      vocabSize: settings.vocabSize,
      sha256: tokenizer.sha256,
      ...(tokenizer.fileBytes === undefined ? {} : { file: tokenStoreFileNames.tokenizer }),
    },
    field: settings.field,
    splitRule: settings.splitRule,
    splits,
    sources: settings.inputs.flatMap((input, index) => {
      const documents = summary.sourceDocuments[index];
      return documents === null || documents === undefined
        ? []
        : [{ path: input.path, role: input.role, format: input.format, bytes: input.bytes, documents }];
    }),
    skippedFiles: summary.skippedFiles.map(({ path, reason }) => ({ path, reason })),
    limits: settings.limits,
  };
}

/**
 * Writes `tokenizer.json` (when the tokenizer came from a file) and then `manifest.json`.
 *
 * @returns the manifest written.
 */
export async function writeStoreManifest(options: WriteStoreManifestOptions): Promise<TokenStoreManifest> {
  const { fileBytes } = options.settings.tokenizer;
  if (fileBytes !== undefined) {
    await writeFileAtomic(join(options.outDir, tokenStoreFileNames.tokenizer), fileBytes);
  }
  const manifest = buildStoreManifest(options);
  await writeJsonAtomic(join(options.outDir, tokenStoreFileNames.manifest), manifest);
  return manifest;
}
