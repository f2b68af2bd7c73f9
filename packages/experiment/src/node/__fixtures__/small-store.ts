/**
 * A small token store for run tests (64 training and 12 validation windows of 16 tokens, vocabulary
 * 4096, the embedded tokenizer), and the deterministic part of a run's logs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunLogRecord } from '@normfree/core';
import { numberedTestWindows, writeTestTokenStore } from '@normfree/data/testing';
import { defaultAssetPaths } from '@normfree/data/node';
import type { ExperimentData } from '../../plan.js';
import { describeTokenStore } from '../dataset.js';

/** Write the store into `folder` and describe it as a plan's `data`. */
export async function writeSmallStore(folder: string): Promise<ExperimentData> {
  await writeTestTokenStore(folder, {
    train: numberedTestWindows(64, 16, 4096),
    validation: numberedTestWindows(12, 16, 4096, 2000),
    seqLen: 16,
    vocabSize: 4096,
    windowsPerShard: 10,
    tokenizerJsonText: await readFile(defaultAssetPaths.tokenizer, 'utf8'),
  });
  return describeTokenStore(folder);
}

/** A run folder's log records with the timings taken out of the step records (they vary). */
export async function trainingRecords(runDir: string): Promise<unknown[]> {
  const text = await readFile(join(runDir, 'logs.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RunLogRecord)
    .map((record) => (record.type === 'step' ? { step: record.step, loss: record.loss, gradNorm: record.gradNorm, learningRate: record.learningRate } : record));
}
