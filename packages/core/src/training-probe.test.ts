import { describe, expect, it } from 'vitest';
import { createFakeTrainingProbe } from './testing/index.js';
import { isDueStep, validateTrainingProbes, type TrainingProbe } from './training-probe.js';

describe('isDueStep', () => {
  it('is due every `every` steps, at step 0 and always at the last step', () => {
    expect([0, 1, 2, 3, 4, 5].filter((step) => isDueStep(step, 2, 5))).toEqual([0, 2, 4, 5]);
  });

  it('with every = 0 is due only at the last step (checkpointEvery 0 = only at the end)', () => {
    expect([0, 1, 2, 3].filter((step) => isDueStep(step, 0, 3))).toEqual([3]);
  });
});

describe('validateTrainingProbes', () => {
  it('accepts no probes and distinct probes with one final measurement', () => {
    expect(() => validateTrainingProbes([])).not.toThrow();
    expect(() =>
      validateTrainingProbes([
        createFakeTrainingProbe({ name: 'a', every: 1, final: true }),
        createFakeTrainingProbe({ name: 'b', every: 2 }),
      ]),
    ).not.toThrow();
  });

  it('rejects two probes of the same name, naming it', () => {
    expect(() =>
      validateTrainingProbes([
        createFakeTrainingProbe({ name: 'entropy', every: 1 }),
        createFakeTrainingProbe({ name: 'entropy', every: 2 }),
      ]),
    ).toThrow("two training probes are named 'entropy'");
  });

  it('rejects two final measurements, since a run summary holds one finalEntropy', () => {
    expect(() =>
      validateTrainingProbes([
        createFakeTrainingProbe({ name: 'a', every: 1, final: true }),
        createFakeTrainingProbe({ name: 'b', every: 1, final: true }),
      ]),
    ).toThrow("training probes 'a' and 'b' both take a final measurement");
  });

  it('rejects another contract version and a missing name', () => {
    const probe = createFakeTrainingProbe({ name: 'old', every: 1 });
    expect(() =>
      validateTrainingProbes([{ ...probe, specificationVersion: 'v0' } as unknown as TrainingProbe]),
    ).toThrow(`training probe 0 ('old') has specificationVersion "v0", expected 'v1'`);
    expect(() => validateTrainingProbes([{ ...probe, name: '' }])).toThrow('training probe 0 has no name');
  });
});
