/**
 * The playground in a real browser: Debian's Chromium, headless, driven by playwright-core
 * (toolchain.md §11.5). WebGL here is SwiftShader on the CPU (~14 s per step of the benchmark GPT),
 * so everything uses the `smoke` preset and the tiny golden fixtures; the whole file takes about
 * 1.5 minutes on 2 cores.
 *
 * Without /usr/bin/chromium these tests FAIL with the install command, unless
 * NORMFREE_SKIP_BROWSER=1 is set (then they are skipped).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  configurationActivation,
  getExperimentConfiguration,
  getPreset,
  paperConfigurationIds,
  resolveModelConfig,
} from '@normfree/core';
import { createStoreBatchSampler, createStoreEvalSet } from '@normfree/data';
import { train } from '@normfree/trainer';
import { createModel } from '@normfree/transformer';
import { loadDefaultCorpus, openTokenStore, prepareTokenStore, tokenizerSpecFromName } from '@normfree/data/node';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { strFromU8, unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GoldenForward } from '../src/golden-check.js';
import type { TrainResult } from '../src/main.js';
import {
  buildPlayground,
  ensureResultsDirectory,
  launchChromium,
  missingBrowserReason,
  repositoryRoot,
  serveFolder,
  skipBrowser,
} from './harness.js';

const fixtures = join(repositoryRoot, 'fixtures');
// 16 steps: on the embedded corpus's store (T = 16) the smoke model's loss falls by only ≈ 0.001 nats
// in 8 steps; in 16 the last half's mean is 0.016 (SM+LN+G) and 0.011 (SM+R) below the first step (Node, cpu).
const smokeSteps = 16;
const configurations = ['sm-ln-g', 'sm-r'];

interface PlaygroundHook {
  train(request: {
    preset: string;
    configurations: string[];
    backend: string;
    steps: number;
    data?: string;
  }): Promise<TrainResult>;
  storeBatch(url: string, step: number, batchSize: number, seed: number): Promise<number[]>;
  zip(): number[];
  lastResult(): TrainResult | undefined;
  goldenForward(base: string, backend: string): Promise<GoldenForward>;
}

type PlaygroundWindow = Window & { normfreePlayground: PlaygroundHook };

// Each runs in the page (playwright serialises the function and its JSON argument).
const trainInPage = (page: Page, request: Parameters<PlaygroundHook['train']>[0]) =>
  page.evaluate((value) => (window as unknown as PlaygroundWindow).normfreePlayground.train(value), request);
const lastResultInPage = (page: Page) =>
  page.evaluate(() => (window as unknown as PlaygroundWindow).normfreePlayground.lastResult());
const storeBatchInPage = (page: Page, url: string, step: number, batchSize: number, seed: number) =>
  page.evaluate(([u, s, b, r]) => (window as unknown as PlaygroundWindow).normfreePlayground.storeBatch(u, s, b, r), [
    url,
    step,
    batchSize,
    seed,
  ] as const);
const zipInPage = (page: Page) => page.evaluate(() => (window as unknown as PlaygroundWindow).normfreePlayground.zip());
const goldenInPage = (page: Page, base: string, backend: string) =>
  page.evaluate(([url, name]) => (window as unknown as PlaygroundWindow).normfreePlayground.goldenForward(url, name), [
    base,
    backend,
  ] as const);

function mean(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

/** Worst |actual − expected| and the allowance RELATIVE · max|expected| + ABSOLUTE (the transformer parity rule). */
function worstError(
  actual: readonly number[],
  expected: readonly number[],
  relative: number,
  absolute: number,
): { error: number; allowed: number } {
  expect(actual.length).toBe(expected.length);
  const scale = expected.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
  const error = actual.reduce((worst, value, index) => Math.max(worst, Math.abs(value - expected[index]!)), 0);
  return { error: Number.isNaN(error) ? Number.POSITIVE_INFINITY : error, allowed: relative * scale + absolute };
}

function flat(values: unknown): number[] {
  return (Array.isArray(values) ? values.flat(Number.POSITIVE_INFINITY) : [values]) as number[];
}

const missing = missingBrowserReason();

/** Step losses of one smoke run trained in this process from a store on disk (what the page does over HTTP). */
async function trainFromStoreInNode(store: string, configurationId: string, steps: number): Promise<number[]> {
  const preset = getPreset('smoke');
  const configuration = getExperimentConfiguration(configurationId);
  const opened = await openTokenStore(store);
  const model = createModel(
    resolveModelConfig({
      ...preset.model,
      vocabSize: opened.manifest.tokenizer.vocabSize,
      norm: configuration.norm,
      activation: configurationActivation(configuration, preset.model.nLayer),
    }),
    { seed: preset.training.seed },
  );
  try {
    const options = { ...preset.training, steps };
    const trainSource = createStoreBatchSampler({
      windows: opened.split('train'),
      batchSize: options.microBatchSize,
      seed: options.seed,
    });
    const losses: number[] = [];
    for await (const record of train(model, {
      trainSource,
      evalSet: createStoreEvalSet(opened.split('validation')),
      probes: [],
      options,
    })) {
      if (record.type === 'step') losses.push(record.loss);
    }
    return losses;
  } finally {
    model.dispose();
    opened.close();
  }
}

/**
 * A token store as `normfree prepare` writes it, from CodeParrot-style inputs: 90 files of the
 * embedded corpus in a gzipped JSON-lines file and a Parquet file, cut into 16-token windows (the
 * smoke preset's context), 200 windows per shard.
 */
async function prepareTestStore(root: string): Promise<string> {
  const documents = (await loadDefaultCorpus())
    .slice(0, 90)
    .map((document) => ({ content: document.content, path: document.path ?? 'file.py' }));
  const inputs = join(root, 'corpus');
  mkdirSync(inputs, { recursive: true });
  writeFileSync(
    join(inputs, 'train-0.jsonl.gz'),
    gzipSync(
      documents
        .slice(0, 45)
        .map((row) => JSON.stringify(row))
        .join('\n'),
    ),
  );
  const rest = documents.slice(45);
  const columnData = (['content', 'path'] as const).map((name) => ({
    name,
    data: rest.map((row) => row[name]),
    type: 'STRING' as const,
  }));
  writeFileSync(join(inputs, 'train-1.parquet'), new Uint8Array(parquetWriteBuffer({ columnData })));
  const store = join(root, 'store');
  const result = await prepareTokenStore({
    inputs: [inputs],
    outDir: store,
    tokenizer: await tokenizerSpecFromName('default-4096'),
    seqLen: 16,
    windowsPerShard: 200,
    validationFraction: 0.1,
    workers: 1,
  });
  expect(result.status).toBe('complete');
  return store;
}

describe.skipIf(skipBrowser)('the playground in headless Chromium', () => {
  let page: Page;
  let closeAll: () => Promise<void> = async () => {};
  const pageErrors: string[] = [];
  let webglLosses: number[][] = [];

  let store = '';

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(missing);
    ensureResultsDirectory();
    const scratch = mkdtempSync(join(tmpdir(), 'normfree-playground-store-'));
    store = await prepareTestStore(scratch);
    const folder = await buildPlayground();
    const server = await serveFolder(folder, { '/__fixtures__/': fixtures, '/__store__/': store });
    const chromium = await launchChromium();
    closeAll = async () => {
      await chromium.close();
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    };
    page = await chromium.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(server.url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await closeAll();
  });

  it("should load with both presets, the paper's four configurations and every browser backend", async () => {
    const options = (selector: string) =>
      page.$$eval(`${selector} option`, (entries) => entries.map((entry) => (entry as HTMLOptionElement).value));
    expect(await options('#preset')).toEqual(['smoke', 'quick']);
    expect(await options('#configuration-a')).toEqual(expect.arrayContaining([...paperConfigurationIds]));
    expect(await options('#configuration-b')).toEqual(expect.arrayContaining(['', ...paperConfigurationIds]));
    expect(await options('#backend')).toEqual(['webgl', 'webgpu', 'wasm', 'cpu']);
    expect(await page.textContent('#status')).toMatch(/^Ready\./);
    // COOP/COEP from the server: the page is isolated, as a deployment should be.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('should train the smoke preset on WebGL: the loss falls and the curves and heatmaps render', async () => {
    const result = await trainInPage(page, { preset: 'smoke', configurations, backend: 'webgl', steps: smokeSteps });
    expect(result.backend.name).toBe('webgl');
    expect(result.backend.info).toMatch(/^WebGL 2, float32 textures: /);
    expect(result.runs.map((run) => run.configuration)).toEqual(configurations);
    for (const run of result.runs) {
      expect(run.status).toBe('completed');
      expect(run.losses).toHaveLength(smokeSteps);
      expect(run.losses.every(Number.isFinite)).toBe(true);
      // Starts at ≈ ln 4096 = 8.318; the mean of the last half is ≥ 0.005 nats lower (deterministic seeds;
      // 16 tiny steps; half the smaller drop measured in Node, see smokeSteps).
      expect(Math.abs(run.losses[0]! - Math.log(4096))).toBeLessThan(0.05);
      expect(mean(run.losses.slice(smokeSteps / 2))).toBeLessThan(run.losses[0]! - 0.005);
      // One layer, two heads; entropies between 0 and ln 16 (T = 16).
      expect(run.perHead).toHaveLength(1);
      expect(run.perHead?.[0]).toHaveLength(2);
      for (const entropy of run.perHead?.[0] ?? []) {
        expect(entropy).toBeGreaterThan(0);
        expect(entropy).toBeLessThanOrEqual(Math.log(16) + 1e-6);
      }
    }
    expect(result.liveTensorsAfter).toBe(0);
    webglLosses = result.runs.map((run) => run.losses);
    // Two loss lines, and one heatmap panel per configuration with a cell per head.
    expect(await page.locator('#loss-chart svg .mark-line path').count()).toBe(2);
    expect(await page.locator('#heatmaps svg .mark-rect path').count()).toBeGreaterThanOrEqual(4);
    const heatmapText = await page.textContent('#heatmaps');
    expect(heatmapText).toContain('SM+LN+G');
    expect(heatmapText).toContain('SM+R');
    await page.screenshot({ path: join(ensureResultsDirectory(), 'playground-webgl-smoke.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 150_000);

  it('should train the smoke preset on wasm from the page controls, with the losses WebGL had, and download the run folder', async () => {
    await page.selectOption('#preset', 'smoke');
    await page.selectOption('#configuration-a', configurations[0]!);
    await page.selectOption('#configuration-b', configurations[1]!);
    await page.selectOption('#backend', 'wasm');
    await page.fill('#steps', String(smokeSteps));
    await page.click('#train');
    await page.waitForFunction(
      () => document.querySelector('#status')?.textContent?.startsWith('Done.') === true,
      undefined,
      { timeout: 90_000 },
    );
    const result = await lastResultInPage(page);
    expect(result?.backend.name).toBe('wasm');
    expect(result?.backend.info).toMatch(/^wasm SIMD, 1 thread/);
    // Same seeds, same data: the backends agree to float32 rounding (|Δloss| ≤ 1e-4 nats over 16 steps).
    result?.runs.forEach((run, index) => {
      expect(run.losses).toHaveLength(smokeSteps);
      run.losses.forEach((loss, step) => expect(Math.abs(loss - webglLosses[index]![step]!)).toBeLessThanOrEqual(1e-4));
    });
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toMatch(/^normfree-smoke-.*\.zip$/);
    const path = join(ensureResultsDirectory(), download.suggestedFilename());
    await download.saveAs(path);
    const files = unzipSync(new Uint8Array(readFileSync(path)));
    const names = Object.keys(files)
      .map((name) => name.replace(/^[^/]+\//, ''))
      .sort();
    expect(names).toEqual([
      'experiment.json',
      ...['sm-ln-g-seed1337', 'sm-r-seed1337'].flatMap((run) =>
        ['config.json', 'final-entropy.json', 'logs.jsonl', 'summary.json'].map((file) => `${run}/${file}`),
      ),
    ]);
    const text = (suffix: string) => strFromU8(Object.entries(files).find(([name]) => name.endsWith(suffix))![1]);
    const summary = JSON.parse(text('sm-r-seed1337/summary.json')) as {
      status: string;
      stepsCompleted: number;
      label: string;
      finalEntropy?: { perHead: number[][] };
    };
    expect(summary).toMatchObject({ status: 'completed', stepsCompleted: smokeSteps, label: 'SM+R' });
    expect(summary.finalEntropy?.perHead).toHaveLength(1);
    const logs = text('sm-r-seed1337/logs.jsonl')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(logs.filter((record) => record.type === 'step')).toHaveLength(smokeSteps);
    expect(JSON.parse(text('experiment.json'))).toMatchObject({
      kind: 'normfree-experiment',
      preset: 'smoke',
      configurations,
    });
    await page.screenshot({ path: join(ensureResultsDirectory(), 'playground-wasm-smoke.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("should train the smoke preset on wasm from a token store's shards, fetched with range requests", async () => {
    // The page's sampler reads the same windows as the Node one, from the shards over HTTP.
    const local = await openTokenStore(store);
    try {
      const sampler = createStoreBatchSampler({ windows: local.split('train'), batchSize: 4, seed: 1337 });
      for (const step of [0, 7])
        expect(await storeBatchInPage(page, './__store__/', step, 4, 1337)).toEqual(
          Array.from(sampler.batchAt(step).inputIds),
        );
    } finally {
      local.close();
    }
    const result = await trainInPage(page, {
      preset: 'smoke',
      configurations: ['sm-r'],
      backend: 'wasm',
      steps: smokeSteps,
      data: './__store__/',
    });
    const [run] = result.runs;
    expect(run?.status).toBe('completed');
    expect(run?.losses).toHaveLength(smokeSteps);
    // ≈ ln 4096 = 8.318 at initialisation
    expect(Math.abs(run!.losses[0]! - Math.log(4096))).toBeLessThan(0.05);
    // The same run trained here in Node (cpu backend) from the store on disk: the same batches and
    // seeds give the same losses to float32 rounding (|Δloss| ≤ 1e-4 nats, as WebGL vs wasm above).
    const nodeLosses = await trainFromStoreInNode(store, 'sm-r', smokeSteps);
    run!.losses.forEach((loss, step) =>
      expect(Math.abs(loss - nodeLosses[step]!), `step ${step + 1}`).toBeLessThanOrEqual(1e-4),
    );
    expect(result.liveTensorsAfter).toBe(0);
    expect(await page.textContent('#status')).toMatch(/^Done\./);
    // The run folder names the store by the hash of its manifest, as the CLI's does.
    const files = unzipSync(new Uint8Array(await zipInPage(page)));
    const text = (suffix: string) => strFromU8(Object.entries(files).find(([name]) => name.endsWith(suffix))![1]);
    const config = JSON.parse(text('sm-r-seed1337/config.json')) as {
      data?: { manifestSha256: string; seqLen: number };
    };
    const { createHash } = await import('node:crypto');
    expect(config.data).toMatchObject({
      manifestSha256: createHash('sha256')
        .update(readFileSync(join(store, 'manifest.json')))
        .digest('hex'),
      seqLen: 16,
    });
    expect((JSON.parse(text('experiment.json')) as { corpus: string }).corpus).toContain('token store');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  // Two fixtures: LayerNorm + exact GELU at initialisation (uniform-ish attention), and LayerNorm-free
  // ReLU after 200 steps (peaked attention, loss ≈ 0.005).
  for (const base of ['ln_gelu', 'free_relu.trained']) {
    it(`should match the cpu backend and the PyTorch reference on the golden fixture ${base} with WebGL`, async () => {
      const url = `./__fixtures__/reference-tiny/${base}`;
      const onCpu = await goldenInPage(page, url, 'cpu');
      const onWebgl = await goldenInPage(page, url, 'webgl');
      expect(onCpu.backend).toBe('cpu');
      expect(onWebgl.backend).toBe('webgl');
      const reference = JSON.parse(readFileSync(join(fixtures, 'reference-tiny', `${base}.json`), 'utf8')) as {
        logits: unknown;
        loss: number;
        attention_probs: unknown[];
      };
      // float32 on both sides: WebGL (SwiftShader, float32 textures) vs cpu within 1e-5 of the
      // tensor's scale + 1e-6, the tolerance the transformer's cpu/wasm parity tests use.
      const report: Record<string, number> = {};
      const check = (what: string, actual: number[], expected: number[]) => {
        const { error, allowed } = worstError(actual, expected, 1e-5, 1e-6);
        report[what] = error;
        expect(error, `${base} ${what}: worst |Δ| ${error} > allowed ${allowed}`).toBeLessThanOrEqual(allowed);
      };
      check('webgl vs cpu logits', onWebgl.logits, onCpu.logits);
      check('webgl vs reference logits', onWebgl.logits, flat(reference.logits));
      check('cpu vs reference logits', onCpu.logits, flat(reference.logits));
      check('webgl vs reference loss', [onWebgl.loss], [reference.loss]);
      reference.attention_probs.forEach((probabilities, layer) =>
        check(`webgl vs reference attention ${layer}`, onWebgl.attention[layer]!, flat(probabilities)),
      );
      writeFileSync(join(ensureResultsDirectory(), `golden-${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
      expect(pageErrors).toEqual([]);
    }, 90_000);
  }
});
