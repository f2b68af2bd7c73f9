/**
 * Real corpora end to end: CodeParrot-style files (gzipped JSON lines and Parquet) → `normfree
 * prepare` (worker threads, several shards) → `train` and `reproduce` with `--data`, and the
 * failures a user meets: a store killed mid-prepare (resumed by running the same command), a
 * tokenizer changed after the store was written, a store that is not one, a store too small.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { RunSummary } from '@normfree/core';
import { loadDefaultCorpus } from '@normfree/data/node';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { createCapturedIo } from './testing/index.js';

const binPath = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

interface StoreManifest {
  seqLen: number;
  tokenizer: { name: string; sha256: string; vocabSize: number };
  splits: Record<
    'train' | 'validation',
    { windows: number; documents: number; shards: { file: string; sha256: string; windows: number }[] }
  >;
  sources: { path: string; format: string; documents: number }[];
}

describe('normfree prepare and --data (end to end)', () => {
  const io = createCapturedIo();
  const corpus = join(io.cwd, 'corpus');
  const read = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

  beforeAll(async () => {
    // 150 files of the embedded corpus in three inputs: two .jsonl.gz and one .parquet (codeparrot-clean's row format).
    const documents = (await loadDefaultCorpus()).slice(0, 150);
    await mkdir(join(corpus, 'data'), { recursive: true });
    const rows = documents.map((document) => ({
      content: document.content,
      path: document.path ?? 'file.py',
      repo_name: 'cpython/cpython',
      license: 'psf-2.0',
    }));
    const jsonl = (part: typeof rows): Uint8Array =>
      gzipSync(rows.length === 0 ? '' : `${part.map((row) => JSON.stringify(row)).join('\n')}\n`);
    await writeFile(join(corpus, 'data', 'train-00000-of-00003.json.gz'), jsonl(rows.slice(0, 50)));
    await writeFile(join(corpus, 'data', 'train-00001-of-00003.json.gz'), jsonl(rows.slice(50, 100)));
    const part = rows.slice(100);
    const column = (key: keyof (typeof rows)[number]) => ({
      name: key,
      data: part.map((row) => row[key]),
      type: 'STRING' as const,
    });
    await writeFile(
      join(corpus, 'data', 'train-00002-of-00003.parquet'),
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [column('content'), column('path'), column('repo_name'), column('license')],
          rowGroupSize: 25,
        }),
      ),
    );
  });
  afterAll(async () => {
    await rm(io.cwd, { recursive: true, force: true });
  });

  const prepareArguments = (out: string, ...extra: string[]): string[] => [
    'prepare',
    'corpus',
    '--out',
    out,
    '--seq-len',
    '16',
    '--windows-per-shard',
    '500',
    '--validation-fraction',
    '0.1',
    '--plain-progress',
    ...extra,
  ];

  it('prepares the Hugging Face folder into a store of several shards, and trains smoke on it', async () => {
    const code = await runCli(prepareArguments('store', '--workers', '2'), io);
    expect(code, io.output.stderr).toBe(0);
    const store = join(io.cwd, 'store');
    const manifest = await read<StoreManifest>(join(store, 'manifest.json'));
    expect(manifest.sources.map((source) => source.format).sort()).toEqual(['jsonl.gz', 'jsonl.gz', 'parquet']);
    expect(manifest.sources.reduce((sum, source) => sum + source.documents, 0)).toBe(150);
    expect(manifest.splits.train.documents + manifest.splits.validation.documents).toBe(150);
    expect(manifest.splits.train.shards.length).toBeGreaterThan(3);
    for (const shard of [...manifest.splits.train.shards, ...manifest.splits.validation.shards]) {
      expect(sha256(await readFile(join(store, shard.file))), shard.file).toBe(shard.sha256);
    }
    expect(io.output.stdout).toContain('token store:');
    expect(existsSync(join(store, '.prepare'))).toBe(false);

    const train = createCapturedIo(io.cwd);
    expect(
      await runCli(
        [
          'train',
          '--preset',
          'smoke',
          '--config',
          'sm-r',
          '--data',
          'store',
          '--backend',
          'cpu',
          '--out',
          'run',
          '--plain-progress',
        ],
        train,
      ),
      train.output.stderr,
    ).toBe(0);
    const config = await read<{ data: { store: string; manifestSha256: string; seqLen: number } }>(
      join(io.cwd, 'run', 'config.json'),
    );
    expect(config.data).toMatchObject({
      store,
      manifestSha256: sha256(await readFile(join(store, 'manifest.json'))),
      seqLen: 16,
    });
    const summary = await read<RunSummary>(join(io.cwd, 'run', 'summary.json'));
    expect(summary).toMatchObject({ status: 'completed', stepsCompleted: 8 });
    // ln 4096 ≈ 8.32 at initialisation; eight steps barely move it
    expect(summary.finalEval!.loss).toBeGreaterThan(5);
    expect(summary.finalEval!.loss).toBeLessThan(9);
  });

  it('reproduces with --data: experiment.json and the report name the store and its manifest hash', async () => {
    const run = createCapturedIo(io.cwd);
    const code = await runCli(
      [
        'reproduce',
        '--preset',
        'smoke',
        '--configs',
        'sm-g,sm-r',
        '--steps',
        '4',
        '--data',
        'store',
        '--backend',
        'cpu',
        '--out',
        'exp',
        '--workers',
        '1',
        '--plain-progress',
      ],
      run,
    );
    expect(code, run.output.stderr).toBe(0);
    const hash = sha256(await readFile(join(io.cwd, 'store', 'manifest.json')));
    const experiment = await read<{ corpus: string; data: { manifestSha256: string } }>(
      join(io.cwd, 'exp', 'experiment.json'),
    );
    expect(experiment.data.manifestSha256).toBe(hash);
    expect(experiment.corpus).toContain('token store');
    expect(await readFile(join(io.cwd, 'exp', 'report.md'), 'utf8')).toContain(hash);
  });

  it('resumes a prepare killed with SIGKILL and ends with the same store as an uninterrupted one', async () => {
    const args = prepareArguments('killed', '--workers', '1', '--windows-per-shard', '100');
    const child = spawn(process.execPath, [binPath, ...args], { cwd: io.cwd, stdio: 'ignore' });
    const state = join(io.cwd, 'killed', '.prepare', 'state.json');
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    // Kill it once it has finished a shard (state.json appears then) but before it is done.
    for (
      let waited = 0;
      !existsSync(state) && !existsSync(join(io.cwd, 'killed', 'manifest.json')) && waited < 60_000;
      waited += 20
    ) {
      await new Promise((done) => setTimeout(done, 20));
    }
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(io.cwd, 'killed', 'manifest.json')), 'the prepare finished before it could be killed').toBe(
      false,
    );
    const resumed = createCapturedIo(io.cwd);
    expect(await runCli(args, resumed), resumed.output.stderr).toBe(0);
    const whole = createCapturedIo(io.cwd);
    expect(
      await runCli(prepareArguments('whole', '--workers', '2', '--windows-per-shard', '100'), whole),
      whole.output.stderr,
    ).toBe(0);
    const shards = async (name: string) => {
      const manifest = await read<StoreManifest>(join(io.cwd, name, 'manifest.json'));
      return [...manifest.splits.train.shards, ...manifest.splits.validation.shards].map((shard) => [
        shard.file,
        shard.sha256,
        shard.windows,
      ]);
    };
    expect(await shards('killed')).toEqual(await shards('whole'));
  }, 120_000);

  it('refuses, naming the folder: a store whose tokenizer changed, a folder that is not a store, and a store smaller than a batch', async () => {
    // a tokenizer changed after the store was written
    await mkdir(join(io.cwd, 'tampered'), { recursive: true });
    for (const name of await readdir(join(io.cwd, 'store'), { recursive: true })) {
      const from = join(io.cwd, 'store', name);
      if (name.endsWith('.json') || name.endsWith('.bin')) {
        await mkdir(join(io.cwd, 'tampered', name, '..'), { recursive: true });
        await writeFile(join(io.cwd, 'tampered', name), await readFile(from));
      }
    }
    const tokenizerPath = join(io.cwd, 'tampered', 'tokenizer.json');
    const tokenizer = JSON.parse(await readFile(tokenizerPath, 'utf8')) as { model: { merges: unknown[] } };
    tokenizer.model.merges = tokenizer.model.merges.slice(0, -1);
    await writeFile(tokenizerPath, JSON.stringify(tokenizer));
    const changed = createCapturedIo(io.cwd);
    expect(
      await runCli(
        ['train', '--preset', 'smoke', '--data', 'tampered', '--backend', 'cpu', '--out', 'run-tampered'],
        changed,
      ),
    ).toBe(2);
    expect(changed.output.stderr).toMatch(/tampered.*sha/is);
    expect(existsSync(join(io.cwd, 'run-tampered'))).toBe(false);

    const notStore = createCapturedIo(io.cwd);
    expect(
      await runCli(
        ['train', '--preset', 'smoke', '--data', 'corpus', '--backend', 'cpu', '--out', 'run-corpus'],
        notStore,
      ),
    ).toBe(2);
    expect(notStore.output.stderr).toContain('corpus');
    expect(notStore.output.stderr).toMatch(/not a token store|manifest\.json/);

    const tooSmall = createCapturedIo(io.cwd);
    expect(
      await runCli(
        [
          'train',
          '--preset',
          'smoke',
          '--data',
          'store',
          '--batch-size',
          '100000',
          '--backend',
          'cpu',
          '--out',
          'run-small',
        ],
        tooSmall,
      ),
    ).toBe(2);
    expect(tooSmall.output.stderr).toMatch(/fewer than one batch of 100000/);

    // resuming an experiment with another store (same corpus, other shards: another manifest hash)
    const otherStore = createCapturedIo(io.cwd);
    expect(
      await runCli(
        [
          'reproduce',
          '--preset',
          'smoke',
          '--configs',
          'sm-g,sm-r',
          '--steps',
          '4',
          '--data',
          'whole',
          '--backend',
          'cpu',
          '--out',
          'exp',
          '--resume',
          '--workers',
          '1',
        ],
        otherStore,
      ),
    ).toBe(2);
    expect(otherStore.output.stderr).toMatch(/data: folder has .*manifestSha256/);

    const tooLong = createCapturedIo(io.cwd);
    expect(
      await runCli(
        ['train', '--preset', 'smoke', '--data', 'store', '--block-size', '8', '--backend', 'cpu', '--out', 'run-long'],
        tooLong,
      ),
    ).toBe(2);
    expect(tooLong.output.stderr).toMatch(/windows are 16 tokens, longer than the model's context of 8/);
  });

  it('trains a tokenizer on the corpus and prepares a store with it', async () => {
    const trained = createCapturedIo(io.cwd);
    expect(
      await runCli(['tokenizer', 'train', 'corpus', '--vocab-size', '400', '--out', 'tok.json'], trained),
      trained.output.stderr,
    ).toBe(0);
    const json = await read<{ model: { vocab: Record<string, number>; merges: unknown[] } }>(join(io.cwd, 'tok.json'));
    expect(Object.keys(json.model.vocab)).toHaveLength(400);
    const prepared = createCapturedIo(io.cwd);
    expect(
      await runCli(prepareArguments('store-400', '--tokenizer', 'tok.json'), prepared),
      prepared.output.stderr,
    ).toBe(0);
    const manifest = await read<StoreManifest>(join(io.cwd, 'store-400', 'manifest.json'));
    expect(manifest.tokenizer.vocabSize).toBe(400);
    expect(manifest.tokenizer.sha256).toBe(sha256(await readFile(join(io.cwd, 'tok.json'))));
  });
});
