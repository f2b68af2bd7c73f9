/**
 * Writes one split's shards: windows are appended to `.prepare/<split>-<index>.bin`, hashed as
 * they go; a full shard is fsync'ed and, once the resume state that lists it is on disk, renamed to
 * `<split>/<index>.bin`. The unfinished shard stays in `.prepare/` and its length is recorded in
 * the state, so a resume keeps it instead of re-tokenizing it.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import {
  shardFileName,
  tokenStoreFileNames,
  type TokenStoreShard,
  type TokenStoreSplitName,
} from '../../token-store-format.js';

/** Writes bytes at a position of an open shard file; injectable so tests can fail a write (ENOSPC). */
export type WriteShardBytes = (handle: FileHandle, bytes: Uint8Array, position: number, shard: string) => Promise<void>;

/** The default {@link WriteShardBytes}: loops until every byte is written. */
export const writeAllBytes: WriteShardBytes = async (handle, bytes, position) => {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written);
    written += bytesWritten;
  }
};

/** A write that failed: the caller restores the last saved state instead of saving a new one. */
export class ShardWriteError extends Error {
  override readonly name = 'ShardWriteError';
}

/** What the resume state records of a split's shards. */
export interface SplitShardsState {
  readonly shards: readonly TokenStoreShard[];
  /** Windows already in the unfinished shard `.prepare/<split>-<shards.length>.bin`. */
  readonly partialWindows: number;
}

/** Where an unfinished or not yet renamed shard lives: `.prepare/train-00003.bin`. */
export function workShardPath(storeDir: string, split: TokenStoreSplitName, index: number): string {
  return join(storeDir, tokenStoreFileNames.work, `${split}-${String(index).padStart(5, '0')}.bin`);
}

const bigEndian = endianness() === 'BE';
/** Flush to the file once this much is buffered (few large writes instead of one per document). */
const flushBytes = 1 << 20;

/**
 * Brings the work folder back to a saved state: full shards the state lists are moved into place,
 * the unfinished shard is cut to the recorded length, every other work file is removed (shards
 * written after the state was saved, whose windows will be written again).
 *
 * @throws Error naming the shard when a file the state lists is missing or too short.
 */
export async function restoreShards(
  storeDir: string,
  windowBytes: number,
  states: Readonly<Record<TokenStoreSplitName, SplitShardsState>>,
): Promise<void> {
  const workDir = join(storeDir, tokenStoreFileNames.work);
  const keep = new Set<string>();
  for (const split of ['train', 'validation'] as const) {
    const { shards, partialWindows } = states[split];
    for (const [index, shard] of shards.entries()) {
      const finalPath = join(storeDir, shard.file);
      const workPath = workShardPath(storeDir, split, index);
      const size = await stat(finalPath).then(
        (info) => info.size,
        () => undefined,
      );
      if (size === undefined) {
        // Killed between saving the state and renaming: the finished shard is still in .prepare/.
        const workSize = await stat(workPath).then(
          (info) => info.size,
          () => undefined,
        );
        if (workSize !== shard.bytes) {
          throw new Error(
            `${storeDir}: shard ${shard.file} of the resume state is missing; delete the folder to start over`,
          );
        }
        await mkdir(dirname(finalPath), { recursive: true });
        await rename(workPath, finalPath);
      } else if (size !== shard.bytes) {
        throw new Error(
          `${storeDir}: shard ${shard.file} has ${size} bytes, the resume state says ${shard.bytes}; delete the folder to start over`,
        );
      }
    }
    if (partialWindows > 0) {
      const workPath = workShardPath(storeDir, split, shards.length);
      const wanted = partialWindows * windowBytes;
      const size = await stat(workPath).then(
        (info) => info.size,
        () => 0,
      );
      if (size < wanted) {
        throw new Error(
          `${storeDir}: unfinished shard ${workPath} has ${size} bytes, the resume state says ${wanted}; delete the folder to start over`,
        );
      }
      if (size > wanted) await truncate(workPath, wanted);
      keep.add(workPath);
    }
  }
  for (const name of await readdir(workDir).catch(() => [] as string[])) {
    const path = join(workDir, name);
    if (name.endsWith('.bin') && !keep.has(path)) await rm(path, { force: true });
  }
}

/** Options of {@link createShardWriter}. */
export interface ShardWriterOptions {
  readonly storeDir: string;
  readonly split: TokenStoreSplitName;
  /** seqLen × bytes per id. */
  readonly windowBytes: number;
  readonly windowsPerShard: number;
  /** Where a resumed prepare left this split (after {@link restoreShards}). */
  readonly resumeFrom: SplitShardsState;
  readonly writeBytes: WriteShardBytes;
}

/** One split's writer. */
export interface ShardWriter {
  /** Finished shards, in order (some may still wait in `.prepare/` for {@link ShardWriter.renameFinished}). */
  readonly shards: readonly TokenStoreShard[];
  /** Windows in the unfinished shard. */
  readonly partialWindows: number;
  /** Windows of the split so far. */
  readonly windows: number;
  /**
   * Appends whole windows (little-endian ids, back to back).
   *
   * @returns whether at least one shard was finished.
   */
  append(ids: Uint16Array | Uint32Array): Promise<boolean>;
  /** Writes what is buffered and fsyncs the unfinished shard (before the state that records it is saved). */
  sync(): Promise<void>;
  /** Finishes the unfinished shard, if it holds any window (the split's last, shorter shard). */
  finish(): Promise<void>;
  /** Moves finished shards from `.prepare/` to `<split>/`, once a saved state lists them. */
  renameFinished(): Promise<void>;
  /** Closes the open file without writing (after an error or an abort). */
  close(): Promise<void>;
}

async function hashFilePrefix(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/**
 * Opens a split's writer where a saved state left it.
 *
 * @throws Error ({@link ShardWriteError}) naming the shard and the store folder when a write fails.
 */
export async function createShardWriter(options: ShardWriterOptions): Promise<ShardWriter> {
  const { storeDir, split, windowBytes, windowsPerShard, writeBytes } = options;
  const shards: TokenStoreShard[] = [...options.resumeFrom.shards];
  let notRenamed: number[] = [];
  let partialWindows = options.resumeFrom.partialWindows;
  let handle: FileHandle | undefined;
  let hash = createHash('sha256');
  let position = 0; // bytes of the unfinished shard already in its file
  let buffered: Uint8Array[] = [];
  let bufferedBytes = 0;

  const shardName = (): string => shardFileName(split, shards.length);
  const failed = (what: string, error: unknown): ShardWriteError =>
    new ShardWriteError(`${storeDir}: cannot ${what} shard ${shardName()} (${(error as Error).message})`, {
      cause: error,
    });

  if (partialWindows > 0) {
    const path = workShardPath(storeDir, split, shards.length);
    await hashFilePrefix(path, hash);
    position = partialWindows * windowBytes;
    handle = await open(path, 'r+');
  }

  const flush = async (): Promise<void> => {
    if (bufferedBytes === 0 || handle === undefined) return;
    const bytes = buffered.length === 1 ? buffered[0]! : Buffer.concat(buffered, bufferedBytes);
    buffered = [];
    const length = bufferedBytes;
    bufferedBytes = 0;
    try {
      await writeBytes(handle, bytes, position, shardName());
    } catch (error) {
      throw failed('write', error);
    }
    position += length;
  };

  const finishShard = async (): Promise<void> => {
    await flush();
    try {
      await handle!.sync();
      await handle!.close();
    } catch (error) {
      throw failed('sync', error);
    }
    handle = undefined;
    shards.push({ file: shardName(), windows: partialWindows, bytes: position, sha256: hash.digest('hex') });
    notRenamed.push(shards.length - 1);
    partialWindows = 0;
    position = 0;
    hash = createHash('sha256');
  };

  return {
    get shards() {
      return shards;
    },
    get partialWindows() {
      return partialWindows;
    },
    get windows() {
      return shards.reduce((sum, shard) => sum + shard.windows, 0) + partialWindows;
    },
    async append(ids) {
      let bytes = new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength);
      if (bigEndian) {
        // The store is little-endian on every machine.
        const swapped = ids.slice();
        const view = new DataView(swapped.buffer);
        const size = ids.BYTES_PER_ELEMENT;
        for (let i = 0; i < ids.length; i++) {
          if (size === 2) view.setUint16(i * 2, ids[i]!, true);
          else view.setUint32(i * 4, ids[i]!, true);
        }
        bytes = new Uint8Array(swapped.buffer);
      }
      let finished = false;
      let offset = 0;
      while (offset < bytes.length) {
        if (handle === undefined) {
          try {
            await mkdir(join(storeDir, tokenStoreFileNames.work), { recursive: true });
            handle = await open(workShardPath(storeDir, split, shards.length), 'w');
          } catch (error) {
            throw failed('create', error);
          }
        }
        const room = (windowsPerShard - partialWindows) * windowBytes;
        const piece = bytes.subarray(offset, offset + Math.min(room, bytes.length - offset));
        hash.update(piece);
        buffered.push(piece);
        bufferedBytes += piece.length;
        partialWindows += piece.length / windowBytes;
        offset += piece.length;
        if (bufferedBytes >= flushBytes) await flush();
        if (partialWindows === windowsPerShard) {
          await finishShard();
          finished = true;
        }
      }
      return finished;
    },
    async sync() {
      await flush();
      if (handle === undefined) return;
      try {
        await handle.sync();
      } catch (error) {
        throw failed('sync', error);
      }
    },
    async finish() {
      if (partialWindows > 0) await finishShard();
    },
    async renameFinished() {
      for (const index of notRenamed) {
        const finalPath = join(storeDir, shards[index]!.file);
        await mkdir(dirname(finalPath), { recursive: true });
        await rename(workShardPath(storeDir, split, index), finalPath);
      }
      notRenamed = [];
    },
    async close() {
      buffered = [];
      bufferedBytes = 0;
      const open = handle;
      handle = undefined;
      await open?.close().catch(() => undefined);
    },
  };
}
