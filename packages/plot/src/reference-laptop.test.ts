/**
 * The copy in reference-laptop.ts against its source, the shared fixture. Tolerance: none; every
 * number is copied, not recomputed, so it must be the same double.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceLaptop, type ReferenceLaptop } from './reference-laptop.js';

// packages/plot/src → the repository's fixtures/reference-laptop.
const resultsFile = fileURLToPath(new URL('../../../fixtures/reference-laptop/results.json', import.meta.url));

interface ResultsJson {
  runtime: string;
  data: {
    vocab_size: number;
    ctx: number;
    train_windows: number;
    val_windows: number;
    train_sha256: string;
    val_sha256: string;
  };
  model: { n_layer: number; n_head: number; n_embd: number; block_size: number };
  training: { steps: number; batch: number };
  runs: {
    configuration: string;
    label: string;
    seed: number;
    final: { eval_loss: number; perplexity: number; validation_windows: number };
  }[];
}

describe('referenceLaptop', () => {
  it(`equals ${referenceLaptop.source} exactly: runtime, data identity, model, steps and every run's final evaluation`, () => {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as ResultsJson;
    const expected: ReferenceLaptop = {
      source: 'fixtures/reference-laptop/results.json',
      runtime: results.runtime,
      data: {
        vocabSize: results.data.vocab_size,
        contextLength: results.data.ctx,
        trainWindows: results.data.train_windows,
        validationWindows: results.data.val_windows,
        trainSha256: results.data.train_sha256,
        validationSha256: results.data.val_sha256,
      },
      model: {
        nLayer: results.model.n_layer,
        nHead: results.model.n_head,
        nEmbd: results.model.n_embd,
        blockSize: results.model.block_size,
      },
      training: { steps: results.training.steps, batchSize: results.training.batch },
      runs: results.runs.map((run) => ({
        configuration: run.configuration,
        label: run.label,
        seed: run.seed,
        evalLoss: run.final.eval_loss,
        perplexity: run.final.perplexity,
        validationWindows: run.final.validation_windows,
      })),
    };
    expect(referenceLaptop).toEqual(expected);
  });

  it('evaluates every run on all validation windows, and its perplexity is exp(eval loss)', () => {
    for (const run of referenceLaptop.runs) {
      expect(run.validationWindows).toBe(referenceLaptop.data.validationWindows);
      // float64 round trip of exp(log(x)) in two runtimes: a few ulps at ~100.
      expect(Math.abs(run.perplexity - Math.exp(run.evalLoss))).toBeLessThan(1e-9);
    }
  });
});
