/**
 * Reading a token store from disk (Node only): the manifest and shard sizes are checked on open,
 * and windows are read by positioned reads (`fs.readSync(fd, buffer, 0, length, position)`) into a
 * reused buffer, so memory stays a batch's worth however large the store is. File descriptors are
 * opened on first use and kept in a small LRU.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkInteger } from '@normfree/core';
import type { Tokenizer } from '@normfree/core';
import {
  bytesPerId,
  gpt2TokenizerIdentity,
  tokenStoreFileNames,
  tokenStoreSplitNames,
  type TokenStoreManifest,
  type TokenStoreSplitName,
} from '../token-store-format.js';
import { parseTokenStoreManifest } from '../token-store-manifest.js';
import { tokenizerForStore } from '../token-store-tokenizer.js';
import {
  checkSplitName,
  checkWindowIndices,
  decodeTokenIds,
  windowRuns,
  type WindowReader,
} from '../token-store-windows.js';

/**
 * SHA-256 (lowercase hex) of bytes or of a string's UTF-8: the hash a store records for its
 * tokenizer (`tokenizer.json`'s bytes, or `gpt2TokenizerIdentity`) and its shards.
 *
 * @param bytes - the bytes, or text hashed as UTF-8.
 */
export function tokenizerSha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Options of {@link openTokenStore}. */
export interface OpenTokenStoreOptions {
  /** Shard files kept open at once (default 8); the least recently read is closed first. */
  maxOpenFiles?: number;
}

/** An open token store. */
export interface TokenStore {
  /** The store folder as given. */
  readonly dir: string;
  readonly manifest: TokenStoreManifest;
  /** SHA-256 (hex) of `manifest.json`'s bytes: names exactly these windows (e.g. in a run's config). */
  readonly manifestSha256: string;
  /**
   * A split's windows, read by positioned reads. Readers share the store's open files.
   *
   * @throws Error naming a split other than `train` / `validation`.
   */
  split(name: TokenStoreSplitName): WindowReader;
  /**
   * The tokenizer the ids came from: the store's `tokenizer.json` (its SHA-256 checked against the
   * manifest) or, when the manifest names no file, the built-in GPT-2 tokenizer (its identity checked).
   *
   * @throws Error naming both hashes when they differ.
   */
  loadTokenizer(): Promise<Tokenizer>;
  /** Closes every open shard file; reading afterwards throws. Safe to call twice. */
  close(): void;
}

/** Throws the right message for a folder without manifest.json. */
function missingManifest(dir: string): never {
  if (existsSync(join(dir, tokenStoreFileNames.work))) {
    throw new Error(
      `${dir} is an unfinished prepare (no ${tokenStoreFileNames.manifest} yet): run the same \`normfree prepare\` command again to resume it`,
    );
  }
  if (!existsSync(dir)) throw new Error(`${dir} is not a token store (the folder does not exist)`);
  throw new Error(`${dir} is not a token store (no ${tokenStoreFileNames.manifest})`);
}

/** Reads and parses manifest.json, and checks every shard file's size (a stat per shard). */
async function readManifest(dir: string): Promise<{ manifest: TokenStoreManifest; manifestSha256: string }> {
  const path = join(dir, tokenStoreFileNames.manifest);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') missingManifest(dir);
    throw new Error(`${path}: cannot read (${(error as Error).message})`);
  }
  const manifest = parseTokenStoreManifest(bytes.toString('utf8'), path);
  for (const split of tokenStoreSplitNames) {
    for (const shard of manifest.splits[split].shards) {
      const shardPath = join(dir, shard.file);
      let size: number;
      try {
        size = statSync(shardPath).size;
      } catch {
        throw new Error(
          `${shardPath}: shard listed in ${tokenStoreFileNames.manifest} is missing; the store is incomplete (copy it again, or run prepare again)`,
        );
      }
      if (size !== shard.bytes) {
        throw new Error(
          `${shardPath}: shard has ${size} bytes, ${tokenStoreFileNames.manifest} says ${shard.bytes}; the store is damaged (copy it again, or run prepare again)`,
        );
      }
    }
  }
  return { manifest, manifestSha256: tokenizerSha256(bytes) };
}

/**
 * Opens a token store folder written by `normfree prepare`.
 *
 * Checks the manifest (`parseTokenStoreManifest`) and that every shard exists with the size it
 * records; shard contents are only hashed by {@link verifyTokenStore}.
 *
 * @param dir - the store folder.
 * @param options - maxOpenFiles.
 * @returns the store; call `close()` when done.
 * @throws Error naming `dir` if it has no manifest.json (an unfinished prepare says so and how to
 *   resume it), or naming the missing or wrong-sized shard file.
 * @example
 * ```ts
 * const store = await openTokenStore('data/codeparrot-128');
 * const batches = createStoreBatchSampler({ windows: store.split('train'), batchSize: 32, seed: 0 });
 * const evalSet = createStoreEvalSet(store.split('validation'));
 * ```
 */
export async function openTokenStore(dir: string, options: OpenTokenStoreOptions = {}): Promise<TokenStore> {
  const maxOpenFiles = checkInteger('openTokenStore: maxOpenFiles', options.maxOpenFiles ?? 8, { min: 1 });
  const { manifest, manifestSha256 } = await readManifest(dir);
  const { seqLen, dtype } = manifest;
  const windowBytes = seqLen * bytesPerId(dtype);

  // Open shard files, least recently used first (a Map iterates in insertion order).
  const openFiles = new Map<string, number>();
  let closed = false;
  const fileDescriptor = (file: string): number => {
    if (closed) throw new Error(`${dir}: the token store is closed`);
    let fd = openFiles.get(file);
    if (fd !== undefined) {
      openFiles.delete(file);
    } else {
      if (openFiles.size >= maxOpenFiles) {
        const [oldest, oldestFd] = openFiles.entries().next().value as [string, number];
        openFiles.delete(oldest);
        closeSync(oldestFd);
      }
      fd = openSync(join(dir, file), 'r');
    }
    openFiles.set(file, fd);
    return fd;
  };

  // One buffer for every read, grown to the largest run of adjacent windows asked for.
  let buffer = new Uint8Array(windowBytes);

  const split = (name: TokenStoreSplitName): WindowReader => {
    const splitName = checkSplitName(name, dir);
    const { windows: count, shards } = manifest.splits[splitName];
    const source = `${dir} (${splitName})`;
    return {
      count,
      seqLen,
      source,
      readWindows(indices, into) {
        checkWindowIndices(indices, count, source);
        if (into.length < indices.length * seqLen) {
          throw new Error(
            `${source}: readWindows needs an Int32Array of ${indices.length * seqLen} ids, got ${into.length}`,
          );
        }
        // Runs of consecutive indices in one shard become one read (an evaluation batch is one read).
        for (const run of windowRuns(manifest, indices)) {
          if (buffer.byteLength < run.bytes) buffer = new Uint8Array(run.bytes);
          const file = shards[run.shard]!.file;
          const fd = fileDescriptor(file);
          let done = 0;
          while (done < run.bytes) {
            const read = readSync(fd, buffer, done, run.bytes - done, run.byteOffset + done);
            if (read === 0) {
              throw new Error(
                `${join(dir, file)}: ended at byte ${run.byteOffset + done}, expected ${run.bytes - done} more; the shard is shorter than the manifest says`,
              );
            }
            done += read;
          }
          decodeTokenIds(buffer.subarray(0, run.bytes), dtype, into, run.start * seqLen);
        }
      },
    };
  };

  return {
    dir,
    manifest,
    manifestSha256,
    split,
    async loadTokenizer() {
      const { file } = manifest.tokenizer;
      if (file === undefined) {
        return tokenizerForStore(manifest, {
          source: dir,
          text: undefined,
          sha256: tokenizerSha256(gpt2TokenizerIdentity),
        });
      }
      const path = join(dir, file);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        throw new Error(`${path}: cannot read the store's tokenizer (${(error as Error).message})`);
      }
      return tokenizerForStore(manifest, {
        source: path,
        text: bytes.toString('utf8'),
        sha256: tokenizerSha256(bytes),
      });
    },
    close() {
      closed = true;
      for (const fd of openFiles.values()) closeSync(fd);
      openFiles.clear();
    },
  };
}

/** Progress of {@link verifyTokenStore}, after each shard. */
export interface VerifyTokenStoreProgress {
  /** The shard just hashed, relative to the store (`train/00003.bin`). */
  readonly file: string;
  readonly shardsDone: number;
  readonly shardsTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

/** What {@link verifyTokenStore} checked. */
export interface VerifyTokenStoreResult {
  readonly shards: number;
  readonly bytes: number;
}

/**
 * Hashes every shard (and `tokenizer.json` when there is one) and compares with the manifest: a
 * full read of the store, for after a copy or before a long run.
 *
 * @param dir - the store folder.
 * @param options.onProgress - called after each shard.
 * @returns the number of shards and bytes checked.
 * @throws Error naming the first shard whose SHA-256 differs, with both hashes (and everything
 *   `openTokenStore` throws).
 */
export async function verifyTokenStore(
  dir: string,
  options: { onProgress?: (progress: VerifyTokenStoreProgress) => void } = {},
): Promise<VerifyTokenStoreResult> {
  const { manifest } = await readManifest(dir);
  const shards = tokenStoreSplitNames.flatMap((split) => manifest.splits[split].shards);
  const bytesTotal = shards.reduce((sum, shard) => sum + shard.bytes, 0);
  let bytesDone = 0;
  for (const [index, shard] of shards.entries()) {
    const path = join(dir, shard.file);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    const actual = hash.digest('hex');
    if (actual !== shard.sha256) {
      throw new Error(
        `${path}: sha256 ${actual}, but ${tokenStoreFileNames.manifest} records ${shard.sha256}; the shard is corrupt (copy it again, or run prepare again)`,
      );
    }
    bytesDone += shard.bytes;
    options.onProgress?.({
      file: shard.file,
      shardsDone: index + 1,
      shardsTotal: shards.length,
      bytesDone,
      bytesTotal,
    });
  }
  if (manifest.tokenizer.file !== undefined) {
    const path = join(dir, manifest.tokenizer.file);
    const actual = tokenizerSha256(await readFile(path));
    if (actual !== manifest.tokenizer.sha256) {
      throw new Error(
        `${path}: sha256 ${actual}, but ${tokenStoreFileNames.manifest} records tokenizer sha256 ${manifest.tokenizer.sha256}: ` +
          'the ids in the store do not belong to this tokenizer',
      );
    }
  }
  return { shards: shards.length, bytes: bytesTotal };
}
