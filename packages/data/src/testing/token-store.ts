/**
 * Token stores for tests (Node only, like the rest of `@normfree/data/testing`): shards and a valid
 * manifest written directly from given windows, without tokenizing anything, so readers can be
 * tested on stores of any shape (shard boundaries, uint32 ids, a partial last shard).
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  bytesPerId,
  dtypeForVocabSize,
  gpt2TokenizerIdentity,
  shardFileName,
  tokenStoreFileNames,
  tokenStoreFormat,
  tokenStoreSplitNames,
  tokenStoreVersion,
  type TokenStoreManifest,
  type TokenStoreShard,
  type TokenStoreSplitName,
} from '../token-store-format.js';

/** A split's windows: one array per window, or all ids flat (N·T) in one typed array. */
export type TestStoreWindows = readonly ArrayLike<number>[] | Uint16Array | Uint32Array | Int32Array;

/** Options of {@link writeTestTokenStore}. */
export interface WriteTestTokenStoreOptions {
  /** Training windows. */
  train: TestStoreWindows;
  /** Validation windows (default none). */
  validation?: TestStoreWindows;
  /** Window length T. */
  seqLen: number;
  /** Vocabulary size; picks the dtype (uint16 up to 65536) and bounds every id. */
  vocabSize: number;
  /** Windows per shard (every shard but a split's last holds exactly this many). */
  windowsPerShard: number;
  /**
   * The store's `tokenizer.json` text. When absent, the manifest names the built-in gpt2 (its
   * identity hash, no file) if `vocabSize` is 50257, else a tokenizer `test` whose hash matches
   * nothing (`loadTokenizer()` then fails).
   */
  tokenizerJsonText?: string;
}

const sha256Hex = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** The windows of a split as one flat list of ids. */
function flatten(windows: TestStoreWindows, seqLen: number, split: string): ArrayLike<number> {
  if (ArrayBuffer.isView(windows)) {
    if (windows.length % seqLen !== 0) {
      throw new Error(`writeTestTokenStore: ${split} has ${windows.length} ids, not a multiple of seqLen ${seqLen}`);
    }
    return windows;
  }
  const flat = new Array<number>(windows.length * seqLen);
  windows.forEach((window, index) => {
    if (window.length !== seqLen) {
      throw new Error(`writeTestTokenStore: ${split} window ${index} has ${window.length} ids, not seqLen ${seqLen}`);
    }
    for (let position = 0; position < seqLen; position++) flat[index * seqLen + position] = window[position]!;
  });
  return flat;
}

/**
 * Writes a complete token store (shards, `manifest.json`, optionally `tokenizer.json`) into `dir`.
 *
 * @param dir - the store folder (created if needed).
 * @param options - windows per split, seqLen, vocabSize, windowsPerShard, tokenizerJsonText.
 * @returns the manifest written.
 * @throws Error naming a window of the wrong length or an id outside [0, vocabSize).
 */
export async function writeTestTokenStore(
  dir: string,
  options: WriteTestTokenStoreOptions,
): Promise<TokenStoreManifest> {
  const { seqLen, vocabSize, windowsPerShard } = options;
  const dtype = dtypeForVocabSize(vocabSize);
  const width = bytesPerId(dtype);
  const splits = {} as Record<TokenStoreSplitName, TokenStoreManifest['splits']['train']>;
  for (const split of tokenStoreSplitNames) {
    const ids = flatten((split === 'train' ? options.train : options.validation) ?? [], seqLen, split);
    const windows = ids.length / seqLen;
    await mkdir(join(dir, split), { recursive: true });
    const shards: TokenStoreShard[] = [];
    for (let first = 0; first < windows; first += windowsPerShard) {
      const shardWindows = Math.min(windowsPerShard, windows - first);
      const bytes = new Uint8Array(shardWindows * seqLen * width);
      const view = new DataView(bytes.buffer);
      for (let k = 0; k < shardWindows * seqLen; k++) {
        const id = ids[first * seqLen + k]!;
        if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
          throw new Error(
            `writeTestTokenStore: ${split} id ${id} (window ${first + Math.floor(k / seqLen)}) is outside [0, ${vocabSize})`,
          );
        }
        if (width === 2) view.setUint16(k * 2, id, true);
        else view.setUint32(k * 4, id, true);
      }
      const file = shardFileName(split, shards.length);
      await writeFile(join(dir, file), bytes);
      shards.push({ file, windows: shardWindows, bytes: bytes.byteLength, sha256: sha256Hex(bytes) });
    }
    splits[split] = { documents: windows, tokens: windows * seqLen, windows, shards };
  }

  let tokenizer: TokenStoreManifest['tokenizer'];
  if (options.tokenizerJsonText !== undefined) {
    const bytes = new TextEncoder().encode(options.tokenizerJsonText);
    await writeFile(join(dir, tokenStoreFileNames.tokenizer), bytes);
    tokenizer = { name: 'test', vocabSize, sha256: sha256Hex(bytes), file: tokenStoreFileNames.tokenizer };
  } else if (vocabSize === 50257) {
    tokenizer = { name: 'gpt2', vocabSize, sha256: sha256Hex(gpt2TokenizerIdentity) };
  } else {
    tokenizer = { name: 'test', vocabSize, sha256: sha256Hex('no tokenizer') };
  }

  const manifest: TokenStoreManifest = {
    format: tokenStoreFormat,
    version: tokenStoreVersion,
    createdAt: new Date(0).toISOString(),
    seqLen,
    dtype,
    windowsPerShard,
    tokenizer,
    field: 'content',
    splitRule: { kind: 'separate' },
    splits,
    sources: [],
    skippedFiles: [],
    limits: {},
  };
  await writeFile(join(dir, tokenStoreFileNames.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Windows with recognisable ids for tests: window w holds `(w·seqLen + position) mod vocabSize`.
 *
 * @param count - windows.
 * @param seqLen - T.
 * @param vocabSize - ids stay below it.
 * @param offset - added to w (so validation windows can differ from training ones).
 */
export function numberedTestWindows(count: number, seqLen: number, vocabSize: number, offset = 0): number[][] {
  return Array.from({ length: count }, (_, window) =>
    Array.from({ length: seqLen }, (_, position) => ((window + offset) * seqLen + position) % vocabSize),
  );
}
