/**
 * `prepareTokenStore`: corpus files → a token store folder (token-store-format.ts), streaming, so
 * memory stays flat whatever the corpus size (Node only; `normfree prepare` calls it).
 *
 * How it works:
 * 1. The main thread reads documents in input order and sends them in batches (~1 MB of text) to
 *    worker threads that tokenize them; at most a few batches per worker are in flight.
 * 2. Results are used in the order the batches were sent, never in the order they come back, so
 *    the shards are byte-identical for any worker count.
 * 3. Each document's windows go to its split's unfinished shard in `.prepare/`. After each finished
 *    shard the resume state is saved; a prepare stopped at any point (abort signal, kill -9, a full
 *    disk) continues from it when called again with the same options.
 * 4. When every input is read, the last shards are finished, `tokenizer.json` and `manifest.json`
 *    are written, and `.prepare/` is removed.
 *
 * This file reads the inputs and wires the parts together; each part has a file of its own:
 * prepare-options.ts (the options check and the store identity), open-store-folder.ts (start or
 * resume), ordered-tokenize-pipeline.ts (steps 1 and 2), prepare-session.ts (step 3, one shard
 * writer per split) and write-store-manifest.ts (step 4).
 *
 * References:
 * 1. paper-reference §5.1 (run_clm.py:59-71): each file tokenized whole, cut into consecutive,
 *    non-overlapping windows of T tokens, the tail dropped, nothing packed across files.
 */
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tokenStoreFileNames, type TokenStoreManifest } from '../../token-store-format.js';
import { createOrderedTokenizePipeline, type OrderedTokenizePipeline } from './ordered-tokenize-pipeline.js';
import { openStoreFolder } from './open-store-folder.js';
import {
  checkPrepareOptions,
  type PrepareInput,
  type PrepareProgress,
  type PrepareSettings,
  type PrepareTokenStoreOptions,
} from './prepare-options.js';
import { openPrepareSession, type PrepareSession, type StreamItem } from './prepare-session.js';
import type { PrepareState } from './prepare-state.js';
import { checkCorpusFile, readCorpusDocuments, type CorpusRow } from './read-corpus-documents.js';
import { writeAllBytes } from './shard-writer.js';
import { isValidationDocument } from './split-hash.js';
import { writeStoreManifest } from './write-store-manifest.js';
import { definedFields } from '@normfree/core';

export { prepareTokenStoreDefaults, type PrepareProgress, type PrepareTokenStoreOptions } from './prepare-options.js';

/** The result of {@link prepareTokenStore}. */
export type PrepareTokenStoreResult =
  | {
      readonly status: 'complete';
      /** Absolute path of the store. */
      readonly outDir: string;
      readonly manifest: TokenStoreManifest;
      /** Whether an unfinished prepare was continued. */
      readonly resumed: boolean;
      readonly progress: PrepareProgress;
    }
  | {
      /** Stopped by the signal; calling again with the same options continues. */
      readonly status: 'stopped';
      readonly outDir: string;
      readonly resumed: boolean;
      readonly progress: PrepareProgress;
    };

/** Items (documents and markers) that may wait in one batch, however short their texts. */
const maxItemsPerBatch = 4096;

/**
 * Tokenizes a corpus into a token store folder (see token-store-format.ts), streaming: memory does
 * not grow with the corpus, and the store's shards are byte-identical for any worker count and
 * across an interrupted and resumed run.
 *
 * Each document is tokenized whole and cut into consecutive windows of `seqLen` ids, the tail
 * dropped (paper-reference §5.1). With a fraction split, a document goes to validation iff
 * `isValidationDocument(seed, source index, row, validationFraction)`.
 *
 * @param options - see {@link PrepareTokenStoreOptions}.
 * @returns `complete` with the manifest, or `stopped` when the signal fired (call again to resume).
 * @throws Error naming the input and value for: bad options; an input pattern that matches nothing
 *   or a file given twice; an output folder that holds a complete store, something else, or an
 *   unfinished prepare with other options (naming the option); a truncated or corrupt input
 *   (unless `skipBadFiles`); a row without the field, invalid JSON or UTF-8 (file and row); a token
 *   id outside the vocabulary; a failed write (the shard and the folder; finished shards and the
 *   resume state are kept); a store without training windows (T and the token count).
 */
export async function prepareTokenStore(options: PrepareTokenStoreOptions): Promise<PrepareTokenStoreResult> {
  const startTime = performance.now();
  const settings = await checkPrepareOptions(options);
  const outDir = resolve(options.outDir);
  const aborted = (): boolean => options.signal?.aborted === true;
  const { state: initial, resumed } = await openStoreFolder(outDir, settings.identity);
  const session = await openPrepareSession({
    settings,
    outDir,
    initial,
    writeShardBytes: options.writeShardBytes ?? writeAllBytes,
    skipBadFiles: options.skipBadFiles === true,
    aborted,
    startTime,
  });
  const pipeline = createOrderedTokenizePipeline<StreamItem>({
    pool: {
      spec: options.tokenizer,
      seqLen: settings.seqLen,
      workers: settings.workers,
      ...definedFields({ workerPath: options.workerPath }),
    },
    batchChars: settings.batchChars,
    batchItems: maxItemsPerBatch,
    // Two batches per worker: none waits for work, and reading stays at most that far ahead.
    maxInFlight: Math.max(2, 2 * settings.workers),
    use: async (batch) => {
      await session.commit(batch);
      options.onProgress?.(session.progress());
    },
    stopped: () => session.stopRequested,
  });

  let removedStore = false;
  try {
    await readCorpus({ settings, session, pipeline, initial, aborted });
    await pipeline.drain();

    if (session.stopRequested || aborted()) {
      await session.saveState();
      return { status: 'stopped', outDir, resumed, progress: session.progress() };
    }

    await session.finishShards();
    if (session.splits.train.writer.windows === 0) {
      // Nothing worth resuming: remove what this prepare wrote.
      removedStore = true;
      await session.removeStore();
      const { documents, tokens } = session.splits.train.counts;
      throw new Error(
        `${outDir}: no training windows: ${documents} training documents with ${tokens} tokens in all, ` +
          `none with at least T = ${settings.seqLen} tokens (each document is cut on its own); ` +
          'use a smaller seqLen or more data',
      );
    }
    await session.saveState();
    const manifest = await writeStoreManifest({ outDir, settings, summary: session.summary(), createdAt: new Date() });
    await rm(join(outDir, tokenStoreFileNames.work), { recursive: true, force: true });
    const finalProgress = session.progress();
    options.onProgress?.(finalProgress);
    return { status: 'complete', outDir, manifest, resumed, progress: finalProgress };
  } catch (error) {
    await pipeline.close();
    if (!removedStore) await session.rollBack(error);
    throw error;
  } finally {
    // Workers never outlive the call, nor do open files (all of this is idempotent).
    await pipeline.close();
    await session.close();
  }
}

/** Options of {@link readCorpus}. */
interface ReadCorpusOptions {
  readonly settings: PrepareSettings;
  readonly session: PrepareSession;
  readonly pipeline: OrderedTokenizePipeline<StreamItem>;
  /** The state the prepare started from: its cursor is the first document to read. */
  readonly initial: PrepareState;
  readonly aborted: () => boolean;
}

/**
 * Reads the inputs from the cursor on, in order, and adds each document (with the split it goes
 * to) and the markers between them to the pipeline. Stops early at an abort, a stop, or a limit.
 */
async function readCorpus(options: ReadCorpusOptions): Promise<void> {
  const { settings, session, pipeline, initial, aborted } = options;
  const { inputs, field, splitRule, seed, validationFraction, maxFiles } = settings;
  // Reading runs ahead of using, so `maxFiles` is also counted on the documents read.
  const readInRole = { input: initial.roles.input.documents, validation: initial.roles.validation.documents };
  const readLimitReached = (role: PrepareInput['role']): boolean =>
    session.limitReached(role) || (maxFiles !== undefined && readInRole[role] >= maxFiles);
  for (let source = initial.cursor.source; source < inputs.length && !session.stopRequested; source++) {
    if (aborted()) break;
    const input = inputs[source]!;
    const role = input.role;
    if (readLimitReached(role)) continue;
    try {
      await checkCorpusFile(input, { field });
    } catch (error) {
      await pipeline.add({ kind: 'bad', source, message: (error as Error).message });
      continue;
    }
    await pipeline.add({ kind: 'open', source });
    const startRow = source === initial.cursor.source ? initial.cursor.row : 0;
    const documents = readCorpusDocuments(input, { field, startRow, verify: false });
    let last: StreamItem | undefined = { kind: 'end', source };
    try {
      for (;;) {
        let next: IteratorResult<CorpusRow>;
        try {
          next = await documents.next();
        } catch (error) {
          // A reading error (bad row, invalid JSON) waits its turn in the stream; errors of
          // tokenizing or writing, thrown by add() below, end the prepare at once.
          last = { kind: 'fail', source, error: error as Error };
          break;
        }
        if (next.done === true) break;
        if (session.stopRequested || aborted() || readLimitReached(role)) {
          last = undefined; // stopped inside the file: no end marker
          break;
        }
        const document = next.value;
        readInRole[role] += 1;
        const toValidation =
          role === 'validation' ||
          (splitRule.kind === 'fraction' && isValidationDocument(seed, source, document.row, validationFraction));
        const item: StreamItem = {
          kind: 'document',
          source,
          row: document.row,
          location: document.location,
          bytesRead: document.bytesRead,
          split: toValidation ? 'validation' : 'train',
        };
        await pipeline.add(item, document.content);
      }
    } finally {
      await documents.return(undefined);
    }
    if (last !== undefined) await pipeline.add(last);
  }
}
