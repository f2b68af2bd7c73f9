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
 * References:
 * 1. paper-reference §5.1 (run_clm.py:59-71): each file tokenized whole, cut into consecutive,
 *    non-overlapping windows of T tokens, the tail dropped, nothing packed across files.
 */
import { availableParallelism } from 'node:os';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@normfree/core/node';
import {
  bytesPerId,
  dtypeForVocabSize,
  tokenStoreFileNames,
  tokenStoreFormat,
  tokenStoreVersion,
  type TokenStoreManifest,
  type TokenStoreSource,
  type TokenStoreSplitName,
  type TokenStoreSplitRule,
} from '../../token-store-format.js';
import {
  identityDifference,
  prepareStateFormat,
  prepareStatePath,
  readPrepareState,
  type PrepareCounts,
  type PrepareIdentity,
  type PrepareState,
} from './prepare-state.js';
import { checkCorpusFile, readCorpusDocuments, type CorpusRow } from './read-corpus-documents.js';
import { resolveCorpusInputs, type ResolvedCorpusInput } from './resolve-corpus-inputs.js';
import { createShardWriter, restoreShards, ShardWriteError, writeAllBytes, type ShardWriter, type WriteShardBytes } from './shard-writer.js';
import { isValidationDocument } from './split-hash.js';
import type { TokenizedBatch } from './tokenize-batch.js';
import { createTokenizePool } from './tokenize-pool.js';
import { createTokenizerFromSpec, tokenizerIdentity, type TokenizerSpec } from './tokenizer-spec.js';

/** Defaults of {@link prepareTokenStore}. */
export const prepareTokenStoreDefaults = {
  validationFraction: 0.05,
  seed: 0,
  field: 'content',
  seqLen: 128,
  /** 65,536 windows: 16 MiB per shard at T = 128 with uint16 ids. */
  windowsPerShard: 65536,
  /** Characters of text per batch sent to a worker. */
  batchChars: 1 << 20,
} as const;

/** What {@link prepareTokenStore} reports, enough for a progress bar with MB/s and ETA. */
export interface PrepareProgress {
  /** Input bytes (on disk, compressed) read so far, counting inputs finished before a resume. */
  readonly bytesRead: number;
  /** Of all inputs (main and validation). A `maxFiles` / `maxTokens` sample stops before it. */
  readonly totalBytes: number;
  /** `bytesRead` when this call started (non-zero when resuming): rate = (bytesRead − bytesAtStart) / elapsedSeconds. */
  readonly bytesAtStart: number;
  /** Documents used so far, both splits. */
  readonly documents: number;
  /** Tokens of those documents (tails included). */
  readonly tokens: number;
  /** Windows written, both splits. */
  readonly windows: number;
  /** Finished shards, both splits. */
  readonly shards: number;
  /** Seconds since this call started. */
  readonly elapsedSeconds: number;
}

/** Options of {@link prepareTokenStore}. */
export interface PrepareTokenStoreOptions {
  /**
   * The corpus: file, folder or glob patterns (resolved by `resolveCorpusInputs`), or inputs it
   * already resolved. Read in this order.
   */
  inputs: readonly string[] | readonly ResolvedCorpusInput[];
  /**
   * Separate validation inputs (e.g. codeparrot-clean-valid): all their documents go to
   * validation, all of `inputs` to training, and `validationFraction` is not used.
   */
  validation?: readonly string[] | readonly ResolvedCorpusInput[];
  /** Without `validation`: share of documents held out, in [0, 1) (default 0.05). */
  validationFraction?: number;
  /** Seed of the document split (default 0). */
  seed?: number;
  /** The tokenizer, as data each worker rebuilds (`tokenizerSpecFromName`). */
  tokenizer: TokenizerSpec;
  /** Row field holding the text (default `content`). */
  field?: string;
  /** Window length T (default 128). */
  seqLen?: number;
  /** Windows per shard (default 65,536; the split's last shard may hold fewer). */
  windowsPerShard?: number;
  /** Tokenizing threads (default `os.availableParallelism()`); 0 tokenizes on this thread. */
  workers?: number;
  /**
   * Stop after this many documents (rows). Counted per role: the main inputs (both splits of a
   * fraction split) and, separately, the `validation` inputs.
   */
  maxFiles?: number;
  /** Stop after the document that brings the tokens (tails included) to this many; counted per role like `maxFiles`. */
  maxTokens?: number;
  /** Skip a truncated or corrupt gzip / Parquet input (listed in the manifest's `skippedFiles`) instead of failing. */
  skipBadFiles?: boolean;
  /** The store folder: new, empty, or an unfinished prepare of the same options (then resumed). */
  outDir: string;
  /** Called after each batch of documents and at the end. */
  onProgress?: (progress: PrepareProgress) => void;
  /** Stops at the next document boundary, saving the resume state (result `status: 'stopped'`). */
  signal?: AbortSignal;
  /** Characters of text per batch sent to a worker (default 1 Mi; tests use small values). */
  batchChars?: number;
  /** The compiled worker entry (default `dist/node/prepare/tokenize-worker.js` of this package). */
  workerPath?: string;
  /** Writes shard bytes (default: `FileHandle.write` until done); injectable so tests can fail a write. */
  writeShardBytes?: WriteShardBytes;
}

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

type Role = TokenStoreSource['role'];

/** A document on its way through the workers. */
interface DocumentItem {
  readonly kind: 'document';
  readonly source: number;
  readonly row: number;
  readonly location: string;
  readonly bytesRead: number;
  readonly split: TokenStoreSplitName;
}

/**
 * What happens between documents travels in the same ordered stream, so it is acted on exactly
 * when the documents before it are used (never earlier because reading runs ahead).
 */
type StreamItem =
  | DocumentItem
  | { readonly kind: 'open'; readonly source: number }
  | { readonly kind: 'end'; readonly source: number }
  | { readonly kind: 'bad'; readonly source: number; readonly message: string }
  | { readonly kind: 'fail'; readonly source: number; readonly error: Error };

interface Batch {
  readonly items: readonly StreamItem[];
  readonly result: TokenizedBatch | undefined;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result <= 0) {
    throw new Error(`prepareTokenStore: ${name} ${String(value)} must be a positive integer`);
  }
  return result;
}

async function resolveInputs(inputs: readonly string[] | readonly ResolvedCorpusInput[]): Promise<ResolvedCorpusInput[]> {
  const patterns = inputs.filter((input): input is string => typeof input === 'string');
  if (patterns.length === inputs.length) return resolveCorpusInputs(patterns);
  if (patterns.length === 0) return [...(inputs as readonly ResolvedCorpusInput[])];
  throw new Error('prepareTokenStore: inputs must be all patterns (strings) or all resolved inputs, not a mix');
}

function zeroCounts(): PrepareCounts {
  return { documents: 0, tokens: 0 };
}

/**
 * Opens the store folder: a new or empty folder starts a prepare (its state saved at once, so the
 * folder is recognisably ours), an unfinished prepare with the same identity is resumed.
 */
async function openStoreFolder(outDir: string, identity: PrepareIdentity): Promise<{ state: PrepareState; resumed: boolean }> {
  let entries: string[] | undefined;
  try {
    entries = await readdir(outDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new Error(`${outDir}: the output path is a file, not a folder`);
    if (code !== 'ENOENT') throw error;
  }
  if (entries?.includes(tokenStoreFileNames.manifest)) {
    throw new Error(`${outDir}: the folder already holds a complete token store (${tokenStoreFileNames.manifest}); choose another folder or delete it`);
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
      `${outDir}: the output folder is not empty and holds no unfinished token store (found ${shown}); choose an empty or new folder`,
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
  const seqLen = positiveInteger('seqLen', options.seqLen, prepareTokenStoreDefaults.seqLen);
  const windowsPerShard = positiveInteger('windowsPerShard', options.windowsPerShard, prepareTokenStoreDefaults.windowsPerShard);
  const batchChars = positiveInteger('batchChars', options.batchChars, prepareTokenStoreDefaults.batchChars);
  const workers = options.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 0) {
    throw new Error(`prepareTokenStore: workers ${String(workers)} must be a non-negative integer`);
  }
  const { maxFiles, maxTokens } = options;
  if (maxFiles !== undefined) positiveInteger('maxFiles', maxFiles, 1);
  if (maxTokens !== undefined) positiveInteger('maxTokens', maxTokens, 1);
  const field = options.field ?? prepareTokenStoreDefaults.field;
  const seed = options.seed ?? prepareTokenStoreDefaults.seed;
  if (!Number.isInteger(seed)) throw new Error(`prepareTokenStore: seed ${String(seed)} must be an integer`);
  const validationFraction = options.validationFraction ?? prepareTokenStoreDefaults.validationFraction;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new Error(`prepareTokenStore: validationFraction ${String(validationFraction)} must be in [0, 1)`);
  }

  // Built here too: the vocabulary size decides the dtype, and a bad tokenizer file fails before any work.
  const { vocabSize } = createTokenizerFromSpec(options.tokenizer);
  const dtype = dtypeForVocabSize(vocabSize);
  const windowBytes = seqLen * bytesPerId(dtype);
  const tokenizer = tokenizerIdentity(options.tokenizer);

  if (options.inputs.length === 0) throw new Error('prepareTokenStore: no inputs given');
  const mainInputs = await resolveInputs(options.inputs);
  const validationInputs = options.validation === undefined ? [] : await resolveInputs(options.validation);
  if (options.validation !== undefined && validationInputs.length === 0) {
    throw new Error('prepareTokenStore: validation inputs were given as an empty list');
  }
  const inputs = [
    ...mainInputs.map((input) => ({ ...input, role: 'input' as const })),
    ...validationInputs.map((input) => ({ ...input, role: 'validation' as const })),
  ];
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.path)) throw new Error(`${input.path}: the same corpus file is given twice (as an input and as validation, or twice in a list)`);
    seen.add(input.path);
  }
  const splitRule: TokenStoreSplitRule =
    options.validation === undefined ? { kind: 'fraction', validationFraction, seed } : { kind: 'separate' };
  const limits = { ...(maxFiles === undefined ? {} : { maxFiles }), ...(maxTokens === undefined ? {} : { maxTokens }) };
  const identity: PrepareIdentity = {
    seqLen,
    windowsPerShard,
    dtype,
    field,
    tokenizer: { name: tokenizer.name, sha256: tokenizer.sha256, vocabSize },
    splitRule,
    inputs: inputs.map(({ path, bytes, role }) => ({ path, bytes, role })),
    limits,
  };

  const outDir = resolve(options.outDir);
  const { state: initial, resumed } = await openStoreFolder(outDir, identity);
  await restoreShards(outDir, windowBytes, initial.splits);

  // The state as it is built up; saved (after each finished shard) as `savedState`.
  const splitCounts = { train: { ...pickCounts(initial.splits.train) }, validation: { ...pickCounts(initial.splits.validation) } };
  const roleCounts = { input: { ...initial.roles.input }, validation: { ...initial.roles.validation } };
  const sourceDocuments = [...initial.sourceDocuments];
  const skippedFiles = [...initial.skippedFiles];
  let cursor = { ...initial.cursor };
  let savedState = initial;
  const sourceStart: number[] = [];
  inputs.reduce((offset, input, index) => ((sourceStart[index] = offset), offset + input.bytes), 0);
  const totalBytes = inputs.reduce((sum, input) => sum + input.bytes, 0);
  let bytesRead = sourceStart[cursor.source] ?? totalBytes;
  const bytesAtStart = bytesRead;

  const writers: Record<TokenStoreSplitName, ShardWriter> = {
    train: await createShardWriter({
      storeDir: outDir,
      split: 'train',
      windowBytes,
      windowsPerShard,
      resumeFrom: initial.splits.train,
      writeBytes: options.writeShardBytes ?? writeAllBytes,
    }),
    validation: await createShardWriter({
      storeDir: outDir,
      split: 'validation',
      windowBytes,
      windowsPerShard,
      resumeFrom: initial.splits.validation,
      writeBytes: options.writeShardBytes ?? writeAllBytes,
    }),
  };

  const progress = (): PrepareProgress => ({
    bytesRead,
    totalBytes,
    bytesAtStart,
    documents: splitCounts.train.documents + splitCounts.validation.documents,
    tokens: splitCounts.train.tokens + splitCounts.validation.tokens,
    windows: writers.train.windows + writers.validation.windows,
    shards: writers.train.shards.length + writers.validation.shards.length,
    elapsedSeconds: (performance.now() - startTime) / 1000,
  });

  const saveState = async (): Promise<void> => {
    await writers.train.sync();
    await writers.validation.sync();
    const splitState = (split: TokenStoreSplitName): PrepareState['splits'][TokenStoreSplitName] => ({
      ...splitCounts[split],
      shards: [...writers[split].shards],
      partialWindows: writers[split].partialWindows,
    });
    const state: PrepareState = {
      format: prepareStateFormat,
      version: 1,
      identity,
      cursor: { ...cursor },
      splits: { train: splitState('train'), validation: splitState('validation') },
      roles: { input: { ...roleCounts.input }, validation: { ...roleCounts.validation } },
      sourceDocuments: [...sourceDocuments],
      skippedFiles: [...skippedFiles],
    };
    await writeJsonAtomic(prepareStatePath(outDir), state);
    savedState = state;
    await writers.train.renameFinished();
    await writers.validation.renameFinished();
  };

  const limitReached = (role: Role): boolean =>
    (maxFiles !== undefined && roleCounts[role].documents >= maxFiles) ||
    (maxTokens !== undefined && roleCounts[role].tokens >= maxTokens);
  const roleOf = (source: number): Role => inputs[source]!.role;
  let stopRequested = false;
  const aborted = (): boolean => options.signal?.aborted === true;

  // Uses one batch, item by item, in stream order.
  const commit = async (batch: Batch): Promise<void> => {
    const { result } = batch;
    let document = 0;
    let windowOffset = 0;
    for (const item of batch.items) {
      if (stopRequested) return;
      const role = roleOf(item.source);
      if (item.kind !== 'document') {
        if (limitReached(role)) continue; // read ahead of a limit: as if never read
        if (item.kind === 'open') sourceDocuments[item.source] ??= 0;
        else if (item.kind === 'end') {
          cursor = { source: item.source + 1, row: 0 };
          bytesRead = sourceStart[item.source + 1] ?? totalBytes;
        } else if (item.kind === 'fail') {
          throw item.error;
        } else if (options.skipBadFiles === true) {
          if (!skippedFiles.some((skipped) => skipped.source === item.source)) {
            skippedFiles.push({ source: item.source, path: inputs[item.source]!.path, reason: item.message });
          }
          cursor = { source: item.source + 1, row: 0 };
          bytesRead = sourceStart[item.source + 1] ?? totalBytes;
        } else {
          throw new Error(`${item.message} (prepare with --skip-bad-files / skipBadFiles to skip such inputs and list them in the manifest)`);
        }
        continue;
      }
      const index = document++;
      if (limitReached(role)) continue;
      if (result!.badId?.document === index) {
        throw new Error(`${item.location}: the tokenizer ${tokenizer.name} produced id ${result!.badId.id}, outside [0, ${vocabSize})`);
      }
      const tokens = result!.tokenCounts[index]!;
      const windows = result!.windowCounts[index]!;
      const ids = result!.windows.subarray(windowOffset * seqLen, (windowOffset + windows) * seqLen);
      windowOffset += windows;
      const counts = splitCounts[item.split];
      counts.documents += 1;
      counts.tokens += tokens;
      roleCounts[role].documents += 1;
      roleCounts[role].tokens += tokens;
      sourceDocuments[item.source] = (sourceDocuments[item.source] ?? 0) + 1;
      const finishedShard = ids.length > 0 && (await writers[item.split].append(ids));
      cursor = { source: item.source, row: item.row + 1 };
      bytesRead = sourceStart[item.source]! + item.bytesRead;
      if (finishedShard) await saveState();
      if (aborted()) stopRequested = true;
    }
  };

  const pool = createTokenizePool({
    spec: options.tokenizer,
    seqLen,
    workers,
    ...(options.workerPath === undefined ? {} : { workerPath: options.workerPath }),
  });
  const maxInFlight = Math.max(2, 2 * workers);
  const inFlight: Promise<Batch>[] = [];
  let items: StreamItem[] = [];
  let texts: string[] = [];
  let chars = 0;

  const commitOldest = async (): Promise<void> => {
    await commit(await inFlight.shift()!);
    options.onProgress?.(progress());
  };
  const sendBatch = async (): Promise<void> => {
    if (items.length === 0) return;
    const batchItems = items;
    const batchTexts = texts;
    items = [];
    texts = [];
    chars = 0;
    const promise =
      batchTexts.length === 0
        ? Promise.resolve({ items: batchItems, result: undefined })
        : pool.tokenize(batchTexts).then((result) => ({ items: batchItems, result }));
    // Batches dropped after an error or abort are never awaited; their rejection is not news.
    promise.catch(() => undefined);
    inFlight.push(promise);
    // Backpressure: reading waits while enough work is queued.
    while (inFlight.length >= maxInFlight && !stopRequested) await commitOldest();
  };
  const add = async (item: StreamItem, text?: string): Promise<void> => {
    items.push(item);
    if (text !== undefined) {
      texts.push(text);
      chars += text.length;
    }
    if (chars >= batchChars || items.length >= 4096) await sendBatch();
  };

  let removedStore = false;
  try {
    const readInRole = { input: roleCounts.input.documents, validation: roleCounts.validation.documents };
    const readLimitReached = (role: Role): boolean =>
      limitReached(role) || (maxFiles !== undefined && readInRole[role] >= maxFiles);
    for (let source = initial.cursor.source; source < inputs.length && !stopRequested; source++) {
      if (aborted()) break;
      const input = inputs[source]!;
      const role = input.role;
      if (readLimitReached(role)) continue;
      try {
        await checkCorpusFile(input, { field });
      } catch (error) {
        await add({ kind: 'bad', source, message: (error as Error).message });
        continue;
      }
      await add({ kind: 'open', source });
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
          if (stopRequested || aborted() || readLimitReached(role)) {
            last = undefined; // stopped inside the file: no end marker
            break;
          }
          const document = next.value;
          readInRole[role] += 1;
          const split =
            role === 'validation' || (splitRule.kind === 'fraction' && isValidationDocument(seed, source, document.row, validationFraction))
              ? 'validation'
              : 'train';
          await add(
            { kind: 'document', source, row: document.row, location: document.location, bytesRead: document.bytesRead, split },
            document.content,
          );
        }
      } finally {
        await documents.return(undefined);
      }
      if (last !== undefined) await add(last);
    }
    await sendBatch();
    while (inFlight.length > 0 && !stopRequested) await commitOldest();

    if (stopRequested || aborted()) {
      await saveState();
      return { status: 'stopped', outDir, resumed, progress: progress() };
    }

    await writers.train.finish();
    await writers.validation.finish();
    cursor = { source: inputs.length, row: 0 };
    bytesRead = totalBytes;
    if (writers.train.windows === 0) {
      await writers.train.close();
      await writers.validation.close();
      // Nothing worth resuming: remove what this prepare wrote.
      removedStore = true;
      for (const name of [tokenStoreFileNames.work, 'train', 'validation']) await rm(join(outDir, name), { recursive: true, force: true });
      const { documents, tokens } = splitCounts.train;
      throw new Error(
        `${outDir}: no training windows: ${documents} training documents with ${tokens} tokens in all, ` +
          `none with at least T = ${seqLen} tokens (each document is cut on its own); use a smaller seqLen or more data`,
      );
    }
    await saveState();

    if (tokenizer.fileBytes !== undefined) {
      await writeFileAtomic(join(outDir, tokenStoreFileNames.tokenizer), tokenizer.fileBytes);
    }
    const splitManifest = (split: TokenStoreSplitName): TokenStoreManifest['splits'][TokenStoreSplitName] => ({
      ...splitCounts[split],
      windows: writers[split].windows,
      shards: [...writers[split].shards],
    });
    const manifest: TokenStoreManifest = {
      format: tokenStoreFormat,
      version: tokenStoreVersion,
      createdAt: new Date().toISOString(),
      seqLen,
      dtype,
      windowsPerShard,
      tokenizer: {
        name: tokenizer.name,
        vocabSize,
        sha256: tokenizer.sha256,
        ...(tokenizer.fileBytes === undefined ? {} : { file: tokenStoreFileNames.tokenizer }),
      },
      field,
      splitRule,
      splits: { train: splitManifest('train'), validation: splitManifest('validation') },
      sources: inputs.flatMap((input, index) => {
        const documents = sourceDocuments[index];
        return documents === null || documents === undefined
          ? []
          : [{ path: input.path, role: input.role, format: input.format, bytes: input.bytes, documents }];
      }),
      skippedFiles: skippedFiles.map(({ path, reason }) => ({ path, reason })),
      limits,
    };
    await writeJsonAtomic(join(outDir, tokenStoreFileNames.manifest), manifest);
    await rm(join(outDir, tokenStoreFileNames.work), { recursive: true, force: true });
    const finalProgress = progress();
    options.onProgress?.(finalProgress);
    return { status: 'complete', outDir, manifest, resumed, progress: finalProgress };
  } catch (error) {
    await pool.close();
    if (!removedStore) {
      if (!(error instanceof ShardWriteError)) {
        // Keep what was used before the error (a rerun, e.g. with skipBadFiles, continues from it).
        await saveState().catch(() => undefined); // if the disk refuses, the last saved state stands
      }
      await writers.train.close();
      await writers.validation.close();
      // Whatever was written after the last saved state (a partial write, a shard it does not list) goes.
      await restoreShards(outDir, windowBytes, savedState.splits).catch(() => undefined);
    }
    throw error;
  } finally {
    // Workers never outlive the call, nor do open files (all of this is idempotent).
    await pool.close();
    await writers.train.close();
    await writers.validation.close();
  }
}

function pickCounts(counts: PrepareCounts): { documents: number; tokens: number } {
  return { documents: counts.documents, tokens: counts.tokens };
}
