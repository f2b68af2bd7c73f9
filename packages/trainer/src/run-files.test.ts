import { defaultTrainingOptions, resolveModelConfig, type RunLogRecord } from '@normfree/core';
import { describe, expect, it } from 'vitest';
import {
  buildRunSummary,
  formatRunJson,
  formatRunLogs,
  parseFinalEntropy,
  parseRunConfig,
  parseRunJson,
  parseRunLogs,
  parseRunSummary,
  runConfigDifferences,
  runDataFrom,
  runDirectoryName,
  RunFileError,
  type RunConfigFile,
} from './run-files.js';

const records: RunLogRecord[] = [
  { type: 'entropy', step: 0, perHead: [[1.2, 0.5]], perLayer: [0.85], nanCounts: [0], windows: 4 },
  { type: 'step', step: 1, loss: 4.1, learningRate: 0, gradNorm: 1.2, tokensPerSecond: 100, msPerStep: 10, tokens: 64 },
  { type: 'eval', step: 1, loss: 800, perplexity: Number.POSITIVE_INFINITY, windows: 8 },
  { type: 'diverged', step: 2, reason: 'training loss is NaN at step 2' },
];

describe('run log JSONL', () => {
  it('round-trips records, non-finite numbers included', () => {
    const text = formatRunLogs(records);
    expect(text.split('\n')).toHaveLength(records.length + 1);
    expect(text).toContain('"perplexity":"Infinity"');
    expect(parseRunLogs(text, 'logs.jsonl')).toEqual(records);
  });

  it('names the file and line of a damaged record, and drops only a cut-off last line when asked', () => {
    const text = formatRunLogs(records);
    const lines = text.split('\n');
    const damagedMiddle = [lines[0], '{"type":"step",', ...lines.slice(1)].join('\n');
    expect(() => parseRunLogs(damagedMiddle, 'run/logs.jsonl')).toThrow(RunFileError);
    expect(() => parseRunLogs(damagedMiddle, 'run/logs.jsonl')).toThrow('run/logs.jsonl:2: damaged line');
    expect(() => parseRunLogs('{"type":"weird","step":1}\n', 'logs.jsonl')).toThrow(
      'logs.jsonl:1: field "type" must be "step", "eval", "entropy", "slopes" or "diverged", got "weird" ' +
        '(not a log record)',
    );
    const cutOff = `${text}{"type":"step","step":3,"lo`;
    expect(() => parseRunLogs(cutOff, 'logs.jsonl')).toThrow('logs.jsonl:5: damaged line');
    expect(parseRunLogs(cutOff, 'logs.jsonl', { tolerateTruncatedTail: true })).toEqual(records);
  });

  it('names the line, the field and the value of a record of the wrong shape', () => {
    const wrongLoss = '{"type":"eval","step":1,"loss":"low","perplexity":2,"windows":8}\n';
    expect(() => parseRunLogs(wrongLoss, 'run/logs.jsonl')).toThrow(
      'run/logs.jsonl:1: field "loss" must be a number, got "low" (not a log record)',
    );
    expect(() => parseRunLogs(`${formatRunLogs(records)}{"type":"step","step":-1}\n`, 'logs.jsonl')).toThrow(
      'logs.jsonl:5: field "step" must be an integer ≥ 0, got -1',
    );
    expect(() => parseRunLogs('{"type":"diverged","step":2}\n', 'logs.jsonl')).toThrow(
      'logs.jsonl:1: missing field "reason" (a string)',
    );
    // A cut-off last line that is valid JSON but not a whole record is dropped too when asked.
    const cutRecord = `${formatRunLogs(records)}{"type":"step","step":3}`;
    expect(() => parseRunLogs(cutRecord, 'logs.jsonl')).toThrow('logs.jsonl:5: missing field "loss"');
    expect(parseRunLogs(cutRecord, 'logs.jsonl', { tolerateTruncatedTail: true })).toEqual(records);
  });
});

describe('run summary and config', () => {
  const model = resolveModelConfig({ vocabSize: 64, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16 });
  const summary = buildRunSummary({
    configuration: { id: 'sm-g', label: 'SM+G' },
    seed: 1337,
    status: 'completed',
    model,
    training: defaultTrainingOptions,
    stepsCompleted: 8,
    tokensSeen: 512,
    wallSeconds: 1.5,
    backend: 'wasm',
    parameterCount: 1000,
    finalEval: undefined,
  });

  it('builds a version-1 RunSummary without undefined fields and parses it back', () => {
    expect(summary).toMatchObject({ version: 1, configuration: 'sm-g', label: 'SM+G', status: 'completed' });
    expect('finalEval' in summary).toBe(false);
    expect(parseRunSummary(formatRunJson(summary), 'summary.json')).toEqual(summary);
    expect(() => parseRunSummary(formatRunJson({ ...summary, status: 'odd' }), 'a/summary.json')).toThrow(
      'a/summary.json: field "status" must be "running", "completed", "diverged" or "stopped", got "odd"',
    );
    expect(() => parseRunSummary('{"version":1,"status":"odd"}', 'a/summary.json')).toThrow(
      'a/summary.json: missing field "configuration" (a string)',
    );
    expect(() => parseRunJson('{', 'x.json')).toThrow('x.json: not valid JSON');
  });

  it('names summary.json, the field and the value of a wrong type', () => {
    const wrong = (fields: Record<string, unknown>): string => formatRunJson({ ...summary, ...fields });
    expect(() => parseRunSummary(wrong({ stepsCompleted: '8' }), 'run/summary.json')).toThrow(RunFileError);
    expect(() => parseRunSummary(wrong({ stepsCompleted: '8' }), 'run/summary.json')).toThrow(
      'run/summary.json: field "stepsCompleted" must be an integer ≥ 0, got "8"',
    );
    expect(() => parseRunSummary(wrong({ model: [1, 2] }), 'run/summary.json')).toThrow(
      'run/summary.json: field "model" must be an object, got [1,2]',
    );
    const finalEval = { type: 'eval', step: 8, loss: 3, perplexity: 20, windows: 'all' };
    expect(() => parseRunSummary(wrong({ finalEval }), 'run/summary.json')).toThrow(
      'run/summary.json: field "finalEval.windows" must be an integer ≥ 0, got "all"',
    );
    expect(() => parseRunSummary('[]', 'run/summary.json')).toThrow(
      'run/summary.json: field "(root)" must be an object, got []',
    );
    // Non-finite numbers survive (an infinite perplexity of a diverged run), and unknown fields are kept.
    const diverged = { ...summary, finalEval: { type: 'eval', step: 8, loss: 800, perplexity: Infinity, windows: 8 } };
    const withNote = { ...diverged, note: 'kept' };
    expect(parseRunSummary(formatRunJson(withNote), 'summary.json')).toEqual(withNote);
  });

  it('checks config.json and final-entropy.json, naming the file and the field', () => {
    const config: RunConfigFile = {
      version: 1,
      kind: 'normfree-run',
      configuration: { id: 'sm-g', label: 'SM+G' },
      seed: 1,
      model,
      training: defaultTrainingOptions,
    };
    expect(parseRunConfig(formatRunJson(config), 'config.json')).toEqual(config);
    expect(() => parseRunConfig('{"kind":"other"}', 'run/config.json')).toThrow(
      'run/config.json: not a normfree run config',
    );
    expect(() => parseRunConfig(formatRunJson({ ...config, seed: 1.5 }), 'run/config.json')).toThrow(
      'run/config.json: field "seed" must be an integer, got 1.5',
    );
    const withoutLabel = formatRunJson({ ...config, configuration: { id: 'sm-g' } });
    expect(() => parseRunConfig(withoutLabel, 'run/config.json')).toThrow(
      'run/config.json: missing field "configuration.label" (a string)',
    );
    const entropy = records[0]!;
    expect(parseFinalEntropy(formatRunJson(entropy), 'final-entropy.json')).toEqual(entropy);
    expect(() => parseFinalEntropy(formatRunJson({ ...entropy, perLayer: 'x' }), 'run/final-entropy.json')).toThrow(
      'run/final-entropy.json: field "perLayer" must be an array of numbers, got "x"',
    );
  });

  it('groups records into RunData by type', () => {
    const data = runDataFrom(summary, records);
    expect(data.steps).toHaveLength(1);
    expect(data.entropy).toHaveLength(1);
    expect(data.evals).toHaveLength(1);
  });

  it('lists config differences by path, and none for equal configs', () => {
    const config: RunConfigFile = {
      version: 1,
      kind: 'normfree-run',
      configuration: { id: 'sm-g', label: 'SM+G' },
      seed: 1,
      model,
      training: defaultTrainingOptions,
    };
    expect(runConfigDifferences(config, structuredClone(config))).toEqual([]);
    expect(
      runConfigDifferences(config, {
        ...config,
        training: { ...defaultTrainingOptions, steps: 5 },
        model: { ...model, norm: 'none' },
      }),
    ).toEqual(['model.norm: "layernorm" ≠ "none"', 'training.steps: 1000 ≠ 5']);
    expect(runDirectoryName('sm-g', 1337)).toBe('sm-g-seed1337');
  });

  it('compares a token store by its hashes, not by where it lies', () => {
    const model = resolveModelConfig({ nLayer: 1, nHead: 2, nEmbd: 8, blockSize: 4, vocabSize: 16 });
    const data = {
      store: '/data/store',
      manifestSha256: 'a'.repeat(64),
      seqLen: 4,
      tokenizer: { name: 'default-4096', sha256: 'b'.repeat(64), vocabSize: 16 },
    };
    const config: RunConfigFile = {
      version: 1,
      kind: 'normfree-run',
      configuration: { id: 'sm-g', label: 'SM+G' },
      seed: 1,
      model,
      training: defaultTrainingOptions,
      data,
    };
    expect(runConfigDifferences(config, { ...config, data: { ...data, store: '/moved/store' } })).toEqual([]);
    expect(
      runConfigDifferences(config, {
        ...config,
        data: { ...data, tokenizer: { ...data.tokenizer, sha256: 'c'.repeat(64) } },
      }),
    ).toEqual([`data.tokenizer.sha256: "${'b'.repeat(64)}" ≠ "${'c'.repeat(64)}"`]);
    const { data: _, ...withoutData } = config;
    expect(runConfigDifferences(withoutData, config)[0]).toMatch(/^data: absent ≠ /);
  });
});
