/**
 * The writing side of `prepareTokenStore`: a session that uses tokenized batches in stream order,
 * appends each document's windows to its split's shards, counts what was used, and saves the
 * resume state after every finished shard. One {@link SplitSession} per split (its shard writer
 * and its counts); everything that concerns both splits is a loop over `tokenStoreSplitNames`.
 *
 * The mutable state of a prepare lives here and nowhere else: the split and role counts, the
 * documents read per input, the skipped inputs, the cursor (the next document to read) and the
 * bytes read. `saveState` writes exactly that to `.prepare/state.json` (prepare-state.ts).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '@normfree/core/node';
import {
  tokenStoreFileNames,
  tokenStoreSplitNames,
  type TokenStoreSource,
  type TokenStoreSplitName,
} from '../../token-store-format.js';
import type { TokenizedItems } from './ordered-tokenize-pipeline.js';
import type { PrepareProgress, PrepareSettings } from './prepare-options.js';
import { prepareStateFormat, prepareStatePath, type PrepareCounts, type PrepareState } from './prepare-state.js';
import {
  createShardWriter,
  restoreShards,
  ShardWriteError,
  type ShardWriter,
  type WriteShardBytes,
} from './shard-writer.js';

type Role = TokenStoreSource['role'];

/** A document on its way through the workers. */
export interface DocumentItem {
  readonly kind: 'document';
  readonly source: number;
  readonly row: number;
  /** `file:line` or `file row n`, for error messages. */
  readonly location: string;
  /** Bytes of the input read up to and including this document. */
  readonly bytesRead: number;
  readonly split: TokenStoreSplitName;
}

/**
 * What happens between documents travels in the same ordered stream, so it is acted on exactly
 * when the documents before it are used (never earlier because reading runs ahead).
 */
export type StreamItem =
  | DocumentItem
  | { readonly kind: 'open'; readonly source: number }
  | { readonly kind: 'end'; readonly source: number }
  | { readonly kind: 'bad'; readonly source: number; readonly message: string }
  | { readonly kind: 'fail'; readonly source: number; readonly error: Error };

/** One split of the store being written: its shard writer and the counts of its documents. */
export interface SplitSession {
  readonly writer: ShardWriter;
  /** Documents used and their tokens (tails included), resumed ones counted. */
  readonly counts: { documents: number; tokens: number };
}

/** Options of {@link openPrepareSession}. */
export interface PrepareSessionOptions {
  readonly settings: PrepareSettings;
  /** Absolute path of the store folder. */
  readonly outDir: string;
  /** The state the folder was opened with (new, or the one being resumed). */
  readonly initial: PrepareState;
  readonly writeShardBytes: WriteShardBytes;
  readonly skipBadFiles: boolean;
  /** Whether the caller asked to stop (checked after each document). */
  readonly aborted: () => boolean;
  /** `performance.now()` when the call started, for `elapsedSeconds`. */
  readonly startTime: number;
}

/** What the manifest records of a finished session. */
export interface PrepareSessionSummary {
  readonly splits: Readonly<Record<TokenStoreSplitName, PrepareCounts & Pick<ShardWriter, 'windows' | 'shards'>>>;
  /** Per input: documents read, or null when it was not reached (or skipped). */
  readonly sourceDocuments: readonly (number | null)[];
  readonly skippedFiles: PrepareState['skippedFiles'];
}

/** A prepare in progress; see the file header. */
export interface PrepareSession {
  readonly splits: Readonly<Record<TokenStoreSplitName, SplitSession>>;
  /** Set once a document was used after the signal fired: nothing more is used. */
  readonly stopRequested: boolean;
  /** Whether `maxFiles` or `maxTokens` of this role is reached by the documents used. */
  limitReached(role: Role): boolean;
  /** Uses one tokenized batch, item by item, in stream order; saves the state after each finished shard. */
  commit(batch: TokenizedItems<StreamItem>): Promise<void>;
  /** The numbers `onProgress` reports. */
  progress(): PrepareProgress;
  /** Syncs the shards, saves the resume state, then renames the shards it lists as finished. */
  saveState(): Promise<void>;
  /** Finishes each split's last (shorter) shard and moves the cursor past every input. */
  finishShards(): Promise<void>;
  /** Closes the shard files without writing (idempotent). */
  close(): Promise<void>;
  /**
   * After an error: saves what was used before it (unless a write failed: then the last saved
   * state stands), closes the files and brings the folder back to the last saved state.
   */
  rollBack(error: unknown): Promise<void>;
  /** Closes the files and removes everything this prepare wrote (nothing worth resuming). */
  removeStore(): Promise<void>;
  summary(): PrepareSessionSummary;
}

function pickCounts(counts: PrepareCounts): { documents: number; tokens: number } {
  return { documents: counts.documents, tokens: counts.tokens };
}

/**
 * Restores the folder's shards to the initial state and opens each split's writer where it left
 * off.
 *
 * @throws Error naming the shard when a file the state lists is missing or has the wrong size.
 */
export async function openPrepareSession(options: PrepareSessionOptions): Promise<PrepareSession> {
  const { settings, outDir, initial, aborted } = options;
  const { inputs, seqLen, vocabSize, windowsPerShard, windowBytes, maxFiles, maxTokens } = settings;
  await restoreShards(outDir, windowBytes, initial.splits);

  const splits = {} as Record<TokenStoreSplitName, SplitSession>;
  for (const split of tokenStoreSplitNames) {
    const writer = await createShardWriter({
      storeDir: outDir,
      split,
      windowBytes,
      windowsPerShard,
      resumeFrom: initial.splits[split],
      writeBytes: options.writeShardBytes,
    });
    splits[split] = { writer, counts: pickCounts(initial.splits[split]) };
  }
  const roleCounts = { input: { ...initial.roles.input }, validation: { ...initial.roles.validation } };
  const sourceDocuments = [...initial.sourceDocuments];
  const skippedFiles = [...initial.skippedFiles];
  let cursor = { ...initial.cursor };
  let savedState = initial;
  // Where each input starts in the count of all input bytes, for `bytesRead`.
  const sourceStart: number[] = [];
  inputs.reduce((offset, input, index) => ((sourceStart[index] = offset), offset + input.bytes), 0);
  const totalBytes = inputs.reduce((sum, input) => sum + input.bytes, 0);
  let bytesRead = sourceStart[cursor.source] ?? totalBytes;
  const bytesAtStart = bytesRead;
  let stopRequested = false;

  const eachSplit = (): SplitSession[] => tokenStoreSplitNames.map((split) => splits[split]);
  const sumOverSplits = (value: (split: SplitSession) => number): number =>
    eachSplit().reduce((sum, split) => sum + value(split), 0);
  const limitReached = (role: Role): boolean =>
    (maxFiles !== undefined && roleCounts[role].documents >= maxFiles) ||
    (maxTokens !== undefined && roleCounts[role].tokens >= maxTokens);
  const skipToNextInput = (source: number): void => {
    cursor = { source: source + 1, row: 0 };
    bytesRead = sourceStart[source + 1] ?? totalBytes;
  };
  const closeWriters = async (): Promise<void> => {
    for (const split of eachSplit()) await split.writer.close();
  };

  const saveState = async (): Promise<void> => {
    for (const split of eachSplit()) await split.writer.sync();
    const splitStates = {} as Record<TokenStoreSplitName, PrepareState['splits'][TokenStoreSplitName]>;
    for (const name of tokenStoreSplitNames) {
      const { counts, writer } = splits[name];
      splitStates[name] = { ...counts, shards: [...writer.shards], partialWindows: writer.partialWindows };
    }
    const state: PrepareState = {
      format: prepareStateFormat,
      version: 1,
      identity: settings.identity,
      cursor: { ...cursor },
      splits: splitStates,
      roles: { input: { ...roleCounts.input }, validation: { ...roleCounts.validation } },
      sourceDocuments: [...sourceDocuments],
      skippedFiles: [...skippedFiles],
    };
    await writeJsonAtomic(prepareStatePath(outDir), state);
    savedState = state;
    for (const split of eachSplit()) await split.writer.renameFinished();
  };

  /** Acts on a marker between documents: an input opened, ended, failed or found bad. */
  const useMarker = (item: Exclude<StreamItem, DocumentItem>): void => {
    if (item.kind === 'open') sourceDocuments[item.source] ??= 0;
    else if (item.kind === 'end') skipToNextInput(item.source);
    else if (item.kind === 'fail') throw item.error;
    else if (options.skipBadFiles) {
      if (!skippedFiles.some((skipped) => skipped.source === item.source)) {
        skippedFiles.push({ source: item.source, path: inputs[item.source]!.path, reason: item.message });
      }
      skipToNextInput(item.source);
    } else {
      throw new Error(
        `${item.message} (prepare with --skip-bad-files / skipBadFiles to skip such inputs ` +
          'and list them in the manifest)',
      );
    }
  };

  const commit = async ({ items, result }: TokenizedItems<StreamItem>): Promise<void> => {
    let document = 0; // index of the next document among the batch's texts
    let windowOffset = 0; // windows of the batch's earlier documents
    for (const item of items) {
      if (stopRequested) return;
      const role = inputs[item.source]!.role;
      if (item.kind !== 'document') {
        if (!limitReached(role)) useMarker(item); // read ahead of a limit: as if never read
        continue;
      }
      const index = document++;
      if (limitReached(role)) continue;
      if (result!.badId?.document === index) {
        throw new Error(
          `${item.location}: the tokenizer ${settings.tokenizer.name} produced id ${result!.badId.id}, ` +
            `outside [0, ${vocabSize})`,
        );
      }
      const tokens = result!.tokenCounts[index]!;
      const windows = result!.windowCounts[index]!;
      // This document's windows, back to back: (windows·T,)
      const ids = result!.windows.subarray(windowOffset * seqLen, (windowOffset + windows) * seqLen);
      windowOffset += windows;
      const { counts, writer } = splits[item.split];
      counts.documents += 1;
      counts.tokens += tokens;
      roleCounts[role].documents += 1;
      roleCounts[role].tokens += tokens;
      sourceDocuments[item.source] = (sourceDocuments[item.source] ?? 0) + 1;
      const finishedShard = ids.length > 0 && (await writer.append(ids));
      cursor = { source: item.source, row: item.row + 1 };
      bytesRead = sourceStart[item.source]! + item.bytesRead;
      if (finishedShard) await saveState();
      if (aborted()) stopRequested = true;
    }
  };

  return {
    splits,
    get stopRequested() {
      return stopRequested;
    },
    limitReached,
    commit,
    progress: () => ({
      bytesRead,
      totalBytes,
      bytesAtStart,
      documents: sumOverSplits((split) => split.counts.documents),
      tokens: sumOverSplits((split) => split.counts.tokens),
      windows: sumOverSplits((split) => split.writer.windows),
      shards: sumOverSplits((split) => split.writer.shards.length),
      elapsedSeconds: (performance.now() - options.startTime) / 1000,
    }),
    saveState,
    async finishShards() {
      for (const split of eachSplit()) await split.writer.finish();
      cursor = { source: inputs.length, row: 0 };
      bytesRead = totalBytes;
    },
    close: closeWriters,
    async rollBack(error) {
      if (!(error instanceof ShardWriteError)) {
        // Keep what was used before the error (a rerun, e.g. with skipBadFiles, continues from it).
        await saveState().catch(() => undefined); // if the disk refuses, the last saved state stands
      }
      await closeWriters();
      // Whatever was written after the last saved state (a partial write, a shard it does not list) goes.
      await restoreShards(outDir, windowBytes, savedState.splits).catch(() => undefined);
    },
    async removeStore() {
      await closeWriters();
      for (const name of [tokenStoreFileNames.work, ...tokenStoreSplitNames]) {
        await rm(join(outDir, name), { recursive: true, force: true });
      }
    },
    summary() {
      const summarySplits = {} as Record<TokenStoreSplitName, PrepareSessionSummary['splits'][TokenStoreSplitName]>;
      for (const name of tokenStoreSplitNames) {
        const { counts, writer } = splits[name];
        summarySplits[name] = { ...counts, windows: writer.windows, shards: [...writer.shards] };
      }
      return { splits: summarySplits, sourceDocuments: [...sourceDocuments], skippedFiles: [...skippedFiles] };
    },
  };
}
