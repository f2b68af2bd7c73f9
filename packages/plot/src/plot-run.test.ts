import type { RunData } from '@normfree/core';
import { describe, expect, it } from 'vitest';
import { finalEvalOf, finalHeadEntropyOf, plotRunFromRunData, runTitle, sortRuns, type PlotRun } from './plot-run.js';

const bare = (configuration: string, seed: number, extra: Partial<PlotRun> = {}): PlotRun => ({
  label: configuration.toUpperCase(),
  configuration,
  seed,
  status: 'completed',
  steps: [],
  evals: [],
  entropy: [],
  slopes: [],
  ...extra,
});

describe('plotRunFromRunData', () => {
  it('carries label, configuration, seed, status, logs and the final eval and entropy of the summary', () => {
    const finalEval = { type: 'eval', step: 10, loss: 1, perplexity: Math.E, windows: 4 } as const;
    const finalEntropy = {
      type: 'entropy',
      step: 10,
      perHead: [[1, 2]],
      perLayer: [1.5],
      nanCounts: [0],
      windows: 4,
    } as const;
    const run = {
      summary: {
        configuration: 'sm-g',
        label: 'SM+G',
        seed: 3,
        status: 'diverged',
        finalEval,
        finalEntropy,
        diverged: { type: 'diverged', step: 9, reason: 'NaN loss' },
      },
      steps: [],
      evals: [finalEval],
      entropy: [],
      slopes: [],
    } as unknown as RunData;
    const plotRun = plotRunFromRunData(run);
    expect(plotRun).toMatchObject({
      label: 'SM+G',
      configuration: 'sm-g',
      seed: 3,
      status: 'diverged',
      finalEval,
      finalEntropy,
    });
    expect(plotRun.diverged?.reason).toBe('NaN loss');
    expect(plotRun.evals).toBe(run.evals);
  });

  it('leaves optional fields out rather than undefined (exactOptionalPropertyTypes)', () => {
    const run = {
      summary: { configuration: 'sm-r', label: 'SM+R', seed: 1, status: 'running' },
      steps: [],
      evals: [],
      entropy: [],
      slopes: [],
    } as unknown as RunData;
    expect('finalEval' in plotRunFromRunData(run)).toBe(false);
  });
});

describe('finalHeadEntropyOf and finalEvalOf', () => {
  it('fall back to the last logged matrix and evaluation when the run has no final ones', () => {
    const run = bare('sm-g', 1, {
      entropy: [
        { step: 1, perHead: [[1]] },
        { step: 2, perHead: [[2]] },
        { step: 3, perLayer: [3] },
      ],
      evals: [
        { type: 'eval', step: 1, loss: 2, perplexity: 7.4, windows: 1 },
        { type: 'eval', step: 2, loss: 1, perplexity: 2.7, windows: 1 },
      ],
    });
    expect(finalHeadEntropyOf(run)).toEqual([[2]]);
    expect(finalEvalOf(run)?.step).toBe(2);
    expect(finalHeadEntropyOf(bare('sm-g', 1))).toBeUndefined();
  });
});

describe('sortRuns', () => {
  it("puts the paper's four first in Table 2 order, then other known configurations, then unknown ids; ties by seed", () => {
    const runs = ['zzz', 'sm-r', 'sm-llr-layer', 'sm-ln-g', 'sm-g', 'sm-ln-r']
      .map((id) => bare(id, 2))
      .concat(bare('sm-r', 1));
    expect(sortRuns(runs).map((run) => `${run.configuration}/${run.seed}`)).toEqual([
      'sm-ln-g/2',
      'sm-ln-r/2',
      'sm-g/2',
      'sm-r/1',
      'sm-r/2',
      'sm-llr-layer/2',
      'zzz/2',
    ]);
  });

  it('adds the seed to a panel title only when a configuration has several seeds', () => {
    const runs = [bare('sm-r', 1), bare('sm-r', 2), bare('sm-g', 1)];
    expect(runs.map((run) => runTitle(run, runs))).toEqual(['SM-R (seed 1)', 'SM-R (seed 2)', 'SM-G']);
  });
});
