// Tests of prepareTokenStore end to end: stores written from small corpora, compared window by window
// with the tokenizer's own output, then stopped, resumed, failed mid-write and refused. One file over 400
// lines on purpose: every case shares the corpus fixtures and the worker setup of its top half.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenStoreManifest } from '../../token-store-format.js';
import {
  documentsOf,
  expectedWindows,
  sha256,
  removeTemporaryFolders,
  temporaryFolder,
  tinyTokenizerSpec,
  writeJsonLines,
  writeJsonLinesGz,
  writeParquet,
} from './__fixtures__/test-corpus.js';
import { prepareStatePath, readPrepareState } from './prepare-state.js';
import { prepareTokenStore, type PrepareTokenStoreOptions } from './prepare-token-store.js';
import { defaultTokenizeWorkerPath } from './tokenize-pool.js';

afterAll(removeTemporaryFolders);

// Worker threads run dist/node/prepare/tokenize-worker.js: the test command builds every package
// first; after editing, run `npx tsc -b` in packages/data.
const seqLen = 8;
const { spec, tokenizer, text: tokenizerText } = tinyTokenizerSpec();
const corpus = [documentsOf(0, 23), documentsOf(1, 19), documentsOf(2, 21)];
let root: string;
let inputs: string[];

beforeAll(async () => {
  root = await temporaryFolder();
  inputs = [
    await writeJsonLinesGz(join(root, 'a.jsonl.gz'), corpus[0]!),
    await writeParquet(join(root, 'b.parquet'), corpus[1]!, 6),
    await writeJsonLines(join(root, 'c.jsonl'), corpus[2]!),
  ];
});

function options(outDir: string, overrides: Partial<PrepareTokenStoreOptions> = {}): PrepareTokenStoreOptions {
  return {
    inputs,
    tokenizer: spec,
    seqLen,
    windowsPerShard: 16,
    validationFraction: 0.2,
    seed: 7,
    workers: 2,
    batchChars: 2000,
    outDir,
    ...overrides,
  };
}

async function readManifest(outDir: string): Promise<TokenStoreManifest> {
  return JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as TokenStoreManifest;
}

async function splitBytes(
  outDir: string,
  manifest: TokenStoreManifest,
  split: 'train' | 'validation',
): Promise<Uint8Array> {
  const parts = await Promise.all(manifest.splits[split].shards.map((shard) => readFile(join(outDir, shard.file))));
  return new Uint8Array(Buffer.concat(parts));
}

/** Every shard's file and sha256, both splits (the store's content, whatever its createdAt). */
function shardList(manifest: TokenStoreManifest): string[] {
  return [...manifest.splits.train.shards, ...manifest.splits.validation.shards].map(
    (shard) => `${shard.file} ${shard.sha256}`,
  );
}

async function reference(): Promise<TokenStoreManifest> {
  const outDir = join(await temporaryFolder(), 'store');
  await prepareTokenStore(options(outDir, { workers: 1 }));
  return readManifest(outDir);
}

describe('prepareTokenStore', () => {
  it('needs the built worker', () => {
    expect(
      existsSync(defaultTokenizeWorkerPath()),
      `build packages/data first (npx tsc -b): ${defaultTokenizeWorkerPath()}`,
    ).toBe(true);
  });

  it('should write exactly the windows createTokenWindows cuts from each split, in shards the manifest describes', async () => {
    const outDir = join(await temporaryFolder(), 'store');
    const progress: number[] = [];
    const result = await prepareTokenStore(
      options(outDir, { windowsPerShard: 3, onProgress: (p) => progress.push(p.bytesRead) }),
    );
    expect(result.status).toBe('complete');
    const manifest = await readManifest(outDir);
    const expected = expectedWindows({ tokenizer, sources: corpus, seqLen, validationFraction: 0.2, seed: 7 });
    expect(await splitBytes(outDir, manifest, 'train')).toEqual(expected.train);
    expect(await splitBytes(outDir, manifest, 'validation')).toEqual(expected.validation);
    expect(expected.validation.length).toBeGreaterThan(0);
    expect(manifest.splits.train.documents).toBe(expected.trainDocuments);
    expect(manifest.splits.validation.documents).toBe(expected.validationDocuments);
    const tokens = corpus.flat().reduce((sum, content) => sum + tokenizer.encode(content).length, 0);
    expect(manifest.splits.train.tokens + manifest.splits.validation.tokens).toBe(tokens);
    for (const split of ['train', 'validation'] as const) {
      const { shards, windows } = manifest.splits[split];
      expect(shards.reduce((sum, shard) => sum + shard.windows, 0)).toBe(windows);
      shards.forEach((shard, index) => {
        expect(shard.file).toBe(`${split}/${String(index).padStart(5, '0')}.bin`);
        expect(shard.windows).toBe(index < shards.length - 1 ? 3 : windows - 3 * index);
      });
      for (const shard of shards) {
        const bytes = await readFile(join(outDir, shard.file));
        expect(bytes.length).toBe(shard.bytes);
        expect(shard.bytes).toBe(shard.windows * seqLen * 2);
        expect(sha256(bytes)).toBe(shard.sha256);
      }
    }
    expect(manifest).toMatchObject({
      format: 'normfree-token-store',
      version: 1,
      seqLen,
      dtype: 'uint16',
      windowsPerShard: 3,
      field: 'content',
    });
    expect(manifest.splits.train.shards.length).toBeGreaterThan(100);
    expect(manifest.splitRule).toEqual({ kind: 'fraction', validationFraction: 0.2, seed: 7 });
    expect(manifest.tokenizer).toEqual({
      name: 'tiny',
      vocabSize: 300,
      sha256: sha256(Buffer.from(tokenizerText)),
      file: 'tokenizer.json',
    });
    expect(await readFile(join(outDir, 'tokenizer.json'), 'utf8')).toBe(tokenizerText);
    expect(manifest.sources.map((source) => [source.format, source.documents, source.role])).toEqual([
      ['jsonl.gz', 23, 'input'],
      ['parquet', 19, 'input'],
      ['jsonl', 21, 'input'],
    ]);
    expect(manifest.skippedFiles).toEqual([]);
    expect(manifest.limits).toEqual({});
    expect(await readdir(outDir)).toEqual(['manifest.json', 'tokenizer.json', 'train', 'validation']);
    expect(progress.at(-1)).toBe(result.progress.totalBytes);
  });

  it('should write byte-identical shards with 0, 1 and 2 workers and any batch size', async () => {
    const expected = shardList(await reference());
    for (const overrides of [{ workers: 2, batchChars: 300 }, { workers: 0 }, { workers: 2, batchChars: 1 << 20 }]) {
      const outDir = join(await temporaryFolder(), 'store');
      await prepareTokenStore(options(outDir, overrides));
      expect(shardList(await readManifest(outDir)), JSON.stringify(overrides)).toEqual(expected);
    }
  });

  it('should stop at an abort, keep a resumable folder, and resume to the same store', async () => {
    const expected = await reference();
    const outDir = join(await temporaryFolder(), 'store');
    const controller = new AbortController();
    const stopped = await prepareTokenStore(
      options(outDir, {
        batchChars: 300,
        signal: controller.signal,
        onProgress: (progress) => {
          if (progress.shards >= 4) controller.abort();
        },
      }),
    );
    expect(stopped.status).toBe('stopped');
    expect(existsSync(join(outDir, 'manifest.json'))).toBe(false);
    const state = await readPrepareState(outDir);
    expect(state!.splits.train.shards.length).toBeGreaterThanOrEqual(3);
    expect(state!.cursor.source + state!.cursor.row).toBeGreaterThan(0);
    // Resume the same twice over: a second abort right away, then to the end.
    const again = new AbortController();
    again.abort();
    expect((await prepareTokenStore(options(outDir, { signal: again.signal }))).status).toBe('stopped');
    const resumed = await prepareTokenStore(options(outDir, { workers: 2 }));
    expect(resumed).toMatchObject({ status: 'complete', resumed: true });
    const manifest = await readManifest(outDir);
    expect(shardList(manifest)).toEqual(shardList(expected));
    expect({ ...manifest, createdAt: '' }).toEqual({ ...expected, createdAt: '' });
  });

  it('should resume after kill -9 of a child process mid-prepare', async () => {
    const expected = await reference();
    const folder = await temporaryFolder();
    const outDir = join(folder, 'store');
    const script = join(folder, 'child.mjs');
    const entry = pathToFileURL(join(defaultTokenizeWorkerPath(), '..', 'index.js')).href;
    await writeFile(
      script,
      `import { prepareTokenStore } from ${JSON.stringify(entry)};
const options = JSON.parse(process.argv[2]);
await prepareTokenStore({ ...options, onProgress: (progress) => {
  if (progress.shards >= 5) {
    process.stdout.write('ready\\n');
    // Hold still mid-prepare (a shard's windows half written) until the parent kills us.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
} });
process.stdout.write('finished\\n');
`,
    );
    const { onProgress: _, ...plain } = options(outDir, { batchChars: 300 });
    const child = spawn(process.execPath, [script, JSON.stringify(plain)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const said = await new Promise<string>((resolve) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(text);
      });
      child.on('exit', () => resolve(text));
    });
    expect(said).toBe('ready\n');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(join(outDir, 'manifest.json'))).toBe(false);
    expect(existsSync(prepareStatePath(outDir))).toBe(true);
    const resumed = await prepareTokenStore(options(outDir));
    expect(resumed).toMatchObject({ status: 'complete', resumed: true });
    expect(shardList(await readManifest(outDir))).toEqual(shardList(expected));
  });

  it('should refuse to resume with other options, naming the option', async () => {
    const outDir = join(await temporaryFolder(), 'store');
    const controller = new AbortController();
    controller.abort();
    await prepareTokenStore(options(outDir, { signal: controller.signal }));
    await expect(prepareTokenStore(options(outDir, { seqLen: 16 }))).rejects.toThrow(
      `${outDir}: the folder holds an unfinished prepare with other options (seqLen: the unfinished prepare used 8, this call asks for 16)`,
    );
    await expect(prepareTokenStore(options(outDir, { validationFraction: 0.1 }))).rejects.toThrow(
      '(validationFraction: the unfinished prepare used 0.2, this call asks for 0.1)',
    );
    await expect(prepareTokenStore(options(outDir, { inputs: inputs.slice(0, 2) }))).rejects.toThrow(
      `inputs: this call lacks ${inputs[2]}`,
    );
    expect((await prepareTokenStore(options(outDir, { workers: 1 }))).status).toBe('complete');
  });

  it('should refuse a folder that holds something else or a complete store', async () => {
    const outDir = join(await temporaryFolder(), 'store');
    await mkdir(outDir);
    await writeFile(join(outDir, 'notes.txt'), 'mine');
    await expect(prepareTokenStore(options(outDir))).rejects.toThrow(
      `${outDir}: the output folder is not empty and holds no unfinished token store (found notes.txt)`,
    );
    expect(await readdir(outDir)).toEqual(['notes.txt']);
    const complete = join(await temporaryFolder(), 'store');
    await prepareTokenStore(options(complete));
    await expect(prepareTokenStore(options(complete))).rejects.toThrow(
      `${complete}: the folder already holds a complete token store`,
    );
  });

  it('should name a truncated gzip or Parquet input, or skip it with skipBadFiles and list it', async () => {
    const folder = await temporaryFolder();
    const gzip = join(folder, 'cut.jsonl.gz');
    const whole = await readFile(inputs[0]!);
    await writeFile(gzip, whole.subarray(0, whole.length - 25));
    const parquet = join(folder, 'cut.parquet');
    const wholeParquet = await readFile(inputs[1]!);
    await writeFile(parquet, wholeParquet.subarray(0, wholeParquet.length - 100));
    const bad = [inputs[0]!, gzip, parquet, inputs[2]!];
    const outDir = join(folder, 'store');
    await expect(prepareTokenStore(options(outDir, { inputs: bad }))).rejects.toThrow(
      new RegExp(`^${gzip}: cannot decompress gzip .*--skip-bad-files`),
    );
    // The failed run kept its state: the same call with skipBadFiles resumes it.
    const result = await prepareTokenStore(options(outDir, { inputs: bad, skipBadFiles: true }));
    expect(result.status).toBe('complete');
    const manifest = await readManifest(outDir);
    expect(manifest.skippedFiles.map((skipped) => skipped.path)).toEqual([gzip, parquet]);
    expect(manifest.skippedFiles[0]!.reason).toContain('cannot decompress gzip');
    expect(manifest.skippedFiles[1]!.reason).toContain('not a readable Parquet file');
    expect(manifest.sources.map((source) => source.path)).toEqual([inputs[0], inputs[2]]);
    const expected = expectedWindows({
      tokenizer,
      sources: [corpus[0], undefined, undefined, corpus[2]],
      seqLen,
      validationFraction: 0.2,
      seed: 7,
    });
    expect(await splitBytes(outDir, manifest, 'train')).toEqual(expected.train);
    expect(await splitBytes(outDir, manifest, 'validation')).toEqual(expected.validation);
  });

  it('should name the file and line of a row without the field', async () => {
    const folder = await temporaryFolder();
    const shard = join(folder, 'shard.jsonl.gz');
    const { gzipSync } = await import('node:zlib');
    await writeFile(
      shard,
      gzipSync(`${JSON.stringify({ content: corpus[0]![0] })}\n${JSON.stringify({ text: 'x', path: 'a.py' })}\n`),
    );
    await expect(prepareTokenStore(options(join(folder, 'store'), { inputs: [shard] }))).rejects.toThrow(
      `${shard}:2: no string "content" field (got no such field; keys: text, path)`,
    );
  });

  it('should report a failed write naming the shard and the folder, keep only finished shards, and resume', async () => {
    const expected = await reference();
    const outDir = join(await temporaryFolder(), 'store');
    let writes = 0;
    const failure = await prepareTokenStore(
      options(outDir, {
        writeShardBytes: async (handle, bytes, position) => {
          writes += 1;
          if (writes === 9)
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          await handle.write(bytes, 0, bytes.length, position);
        },
      }),
    ).then(
      () => {
        throw new Error('the prepare should have failed on the ninth write');
      },
      (error: unknown) => error as Error,
    );
    const match = new RegExp(`^${outDir}: cannot write shard (train|validation)/(\\d{5})\\.bin \\(ENOSPC`).exec(
      failure.message,
    );
    expect(match, failure.message).not.toBeNull();
    const state = await readPrepareState(outDir);
    // The prepare stopped at the failure: the shard it was writing is not among the finished ones.
    expect(state!.splits[match![1] as 'train' | 'validation'].shards.length).toBeLessThanOrEqual(Number(match![2]));
    expect(state!.cursor.source).toBe(0);
    for (const split of ['train', 'validation'] as const) {
      const { shards, partialWindows } = state!.splits[split];
      for (const shard of shards) expect((await stat(join(outDir, shard.file))).size).toBe(shard.bytes);
      expect(await readdir(join(outDir, split)).catch(() => [])).toEqual(
        shards.map((shard) => shard.file.slice(split.length + 1)),
      );
      const partial = join(outDir, '.prepare', `${split}-${String(shards.length).padStart(5, '0')}.bin`);
      expect(existsSync(partial) ? (await stat(partial)).size : 0).toBe(partialWindows * seqLen * 2);
    }
    expect(
      (await readdir(join(outDir, '.prepare'))).filter((name) => name.endsWith('.bin')).length,
    ).toBeLessThanOrEqual(2);
    await prepareTokenStore(options(outDir));
    expect(shardList(await readManifest(outDir))).toEqual(shardList(expected));
  });

  it('should refuse a store without training windows, naming T and the tokens', async () => {
    const folder = await temporaryFolder();
    const short = await writeJsonLines(join(folder, 'short.jsonl'), ['x = 1', 'y = 2']);
    const outDir = join(folder, 'store');
    await expect(prepareTokenStore(options(outDir, { inputs: [short], validationFraction: 0 }))).rejects.toThrow(
      /no training windows: 2 training documents with \d+ tokens in all, none with at least T = 8 tokens/,
    );
    expect(await readdir(outDir)).toEqual([]);
  });

  it('should cut a sample at maxFiles or maxTokens and record the limits', async () => {
    const byFiles = join(await temporaryFolder(), 'store');
    const manifest = (await prepareTokenStore(options(byFiles, { maxFiles: 30, validationFraction: 0 }))).status;
    expect(manifest).toBe('complete');
    const files = await readManifest(byFiles);
    expect(files.limits).toEqual({ maxFiles: 30 });
    expect(files.splits.train.documents).toBe(30);
    expect(files.sources.map((source) => source.documents)).toEqual([23, 7]);
    const sample = [corpus[0]!, corpus[1]!.slice(0, 7)];
    expect(await splitBytes(byFiles, files, 'train')).toEqual(
      expectedWindows({ tokenizer, sources: sample, seqLen, validationFraction: 0, seed: 7 }).train,
    );

    const byTokens = join(await temporaryFolder(), 'store');
    const firstTokens = tokenizer.encode(corpus[0]![0]!).length;
    await prepareTokenStore(options(byTokens, { maxTokens: firstTokens + 1, validationFraction: 0 }));
    const tokens = await readManifest(byTokens);
    expect(tokens.splits.train.documents).toBe(2); // the document that reaches the limit is kept
    expect(tokens.sources).toHaveLength(1);
    expect(tokens.limits).toEqual({ maxTokens: firstTokens + 1 });
  });

  it('should put separate validation inputs in validation and every main input in train', async () => {
    const outDir = join(await temporaryFolder(), 'store');
    await prepareTokenStore(options(outDir, { inputs: inputs.slice(0, 2), validation: [inputs[2]!] }));
    const manifest = await readManifest(outDir);
    expect(manifest.splitRule).toEqual({ kind: 'separate' });
    expect(manifest.sources.map((source) => source.role)).toEqual(['input', 'input', 'validation']);
    const expected = expectedWindows({
      tokenizer,
      sources: corpus,
      seqLen,
      validationFraction: 0,
      seed: 0,
      validationSources: [2],
    });
    expect(await splitBytes(outDir, manifest, 'train')).toEqual(expected.train);
    expect(await splitBytes(outDir, manifest, 'validation')).toEqual(expected.validation);
  });

  it('should write GPT-2 ids (uint16, no tokenizer.json) on worker threads', async () => {
    const outDir = join(await temporaryFolder(), 'store');
    await prepareTokenStore(options(outDir, { tokenizer: { kind: 'gpt2' }, workers: 1, inputs: [inputs[2]!] }));
    const manifest = await readManifest(outDir);
    expect(manifest.dtype).toBe('uint16');
    expect(manifest.tokenizer).toMatchObject({ name: 'gpt2', vocabSize: 50257 });
    expect(manifest.tokenizer.file).toBeUndefined();
    expect(existsSync(join(outDir, 'tokenizer.json'))).toBe(false);
    const { createGpt2Tokenizer } = await import('../../gpt2-tokenizer.js');
    const expected = expectedWindows({
      tokenizer: createGpt2Tokenizer(),
      sources: [corpus[2]],
      seqLen,
      validationFraction: 0.2,
      seed: 7,
    });
    expect(await splitBytes(outDir, manifest, 'train')).toEqual(expected.train);
  });

  it('should start afresh in a folder left with an empty .prepare/ (killed before its first state)', async () => {
    const outDir = join(await temporaryFolder(), 'store');
    await mkdir(join(outDir, '.prepare'), { recursive: true });
    expect(await prepareTokenStore(options(outDir))).toMatchObject({ status: 'complete', resumed: false });
  });
});
