import { describe, expect, it } from 'vitest';
import type { PlotRun } from './plot-run.js';
import { compareWithReferenceLaptop, referenceLaptopMismatch } from './reference-laptop-comparison.js';
import { referenceLaptop } from './reference-laptop.js';

/** Percentages are computed from unrounded perplexities; compared to 1e-9 of a percent. */
const percentTolerance = 9;

const laptopRun = (configuration: string, seed: number, perplexity: number, extra: Partial<PlotRun> = {}): PlotRun => ({
  label: configuration.toUpperCase(),
  configuration,
  seed,
  status: 'completed',
  steps: [],
  evals: [],
  entropy: [],
  slopes: [],
  finalEval: { type: 'eval', step: 1200, loss: Math.log(perplexity), perplexity, windows: 1405 },
  ...extra,
});

const reference = (configuration: string, seed: number) =>
  referenceLaptop.runs.find((run) => run.configuration === configuration && run.seed === seed)!.perplexity;

describe('referenceLaptopMismatch', () => {
  const manifest = { preset: 'laptop' };

  it('accepts a laptop experiment with no overrides, or only overrides that change when logs are written', () => {
    expect(referenceLaptopMismatch(manifest)).toBeUndefined();
    expect(referenceLaptopMismatch({ ...manifest, overrides: {} })).toBeUndefined();
    expect(
      referenceLaptopMismatch({
        ...manifest,
        overrides: { evalEvery: 50, entropyEvery: 25, checkpointEvery: 100, steps: undefined },
      }),
    ).toBeUndefined();
  });

  it('refuses another preset, overrides of model, data or steps, keys it does not know, and a missing manifest', () => {
    expect(referenceLaptopMismatch({ preset: 'quick' })).toBe("the experiment's preset is `quick`, not `laptop`");
    expect(referenceLaptopMismatch({ ...manifest, overrides: { steps: 600, nLayer: 2, evalEvery: 10 } })).toBe(
      'the experiment overrides `steps`, `nLayer`, which the reference runs did not',
    );
    expect(referenceLaptopMismatch({ ...manifest, overrides: { someFutureKnob: true } })).toContain('`someFutureKnob`');
    expect(referenceLaptopMismatch({ ...manifest, overrides: { evalWindows: 256 } })).toContain('`evalWindows`');
    expect(referenceLaptopMismatch(undefined)).toContain('no experiment manifest');
  });

  it('refuses a laptop experiment that trained on a token store', () => {
    const data = { store: '/data/codeparrot', manifestSha256: 'ab'.repeat(32) };
    expect(referenceLaptopMismatch({ ...manifest, corpus: 'token store /data/codeparrot', data })).toBe(
      'the experiment trained on another corpus (token store /data/codeparrot), not the embedded one the reference used',
    );
  });
});

describe('compareWithReferenceLaptop', () => {
  it('lists every reference seed per configuration, in paper order, with mean and min–max', () => {
    const { rows } = compareWithReferenceLaptop([]);
    expect(rows.map((row) => row.configuration)).toEqual(['sm-ln-g', 'sm-ln-r', 'sm-g', 'sm-r']);
    const gelu = rows[2]!;
    expect(gelu).toMatchObject({ label: 'SM+G', description: 'LayerNorm-free, GELU' });
    expect(gelu.reference.seeds).toEqual([2, 1337]);
    expect(gelu.reference.perplexities).toEqual([reference('sm-g', 2), reference('sm-g', 1337)]);
    expect(gelu.reference.mean).toBe((reference('sm-g', 2) + reference('sm-g', 1337)) / 2);
    expect([gelu.reference.min, gelu.reference.max]).toEqual([reference('sm-g', 2), reference('sm-g', 1337)]);
    expect(rows[0]!.reference.seeds).toEqual([1337]);
    expect(rows[0]!.ours).toMatchObject({ seeds: [], perplexities: [] });
    expect(rows[0]!.ours.mean).toBeNaN();
  });

  it('places each of our runs inside, above or below the reference range, by percent of the nearer end', () => {
    const { rows, leftOut } = compareWithReferenceLaptop([
      laptopRun('sm-g', 1338, 80),
      laptopRun('sm-g', 1337, 110),
      laptopRun('sm-g', 1, 70),
      laptopRun('sm-ln-g', 1337, reference('sm-ln-g', 1337)),
      laptopRun('sm-lrelu-0.01', 1337, 60), // not in the reference: ignored
    ]);
    expect(leftOut).toEqual([]);
    const gelu = rows[2]!;
    expect(gelu.ours).toMatchObject({ seeds: [1, 1337, 1338], perplexities: [70, 110, 80], min: 70, max: 110 });
    expect(gelu.runs.map((run) => [run.seed, run.position])).toEqual([
      [1, 'below'],
      [1337, 'above'],
      [1338, 'inside'],
    ]);
    expect(gelu.runs[0]!.percentOutside).toBeCloseTo(
      (100 * (reference('sm-g', 2) - 70)) / reference('sm-g', 2),
      percentTolerance,
    );
    expect(gelu.runs[1]!.percentOutside).toBeCloseTo(
      (100 * (110 - reference('sm-g', 1337))) / reference('sm-g', 1337),
      percentTolerance,
    );
    expect(gelu.runs[2]!.percentOutside).toBe(0);
    // A run equal to a one-seed reference is inside its (one-point) range.
    expect(rows[0]!.runs).toEqual([
      { seed: 1337, perplexity: reference('sm-ln-g', 1337), position: 'inside', percentOutside: 0 },
    ]);
  });

  it("leaves out diverged runs and runs not evaluated at the reference's last step on all its validation windows, saying why", () => {
    const { rows, leftOut } = compareWithReferenceLaptop([
      laptopRun('sm-r', 1, 60, { status: 'diverged', diverged: { type: 'diverged', step: 40, reason: 'loss NaN' } }),
      laptopRun('sm-r', 2, 60, {
        finalEval: { type: 'eval', step: 600, loss: Math.log(60), perplexity: 60, windows: 1405 },
      }),
      laptopRun('sm-r', 3, 60, {
        finalEval: { type: 'eval', step: 1200, loss: Math.log(60), perplexity: 60, windows: 256 },
      }),
      laptopRun('sm-r', 4, 60, {
        finalEval: { type: 'eval', step: 1200, loss: Number.NaN, perplexity: Number.NaN, windows: 1405 },
      }),
      laptopRun('sm-r', 5, 60),
    ]);
    expect(leftOut).toEqual([
      { label: 'SM-R', seed: 1, reason: 'diverged' },
      {
        label: 'SM-R',
        seed: 2,
        reason: "final evaluation at step 600 over 1,405 windows; the reference's is at step 1,200 over 1,405",
      },
      {
        label: 'SM-R',
        seed: 3,
        reason: "final evaluation at step 1,200 over 256 windows; the reference's is at step 1,200 over 1,405",
      },
      { label: 'SM-R', seed: 4, reason: 'no finite final evaluation' },
    ]);
    expect(rows[3]!.ours.seeds).toEqual([5]);
  });
});
