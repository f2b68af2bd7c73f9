/**
 * Small, fast stand-ins for other packages' tests: a few Python-like documents and a tokenizer and
 * dataset trained on them in milliseconds (no asset files read).
 */
import type { BpeTokenizer } from '../bpe-tokenizer.js';
import { prepareDataset, type PreparedDataset } from '../prepare-dataset.js';
import { trainBpe } from '../train-bpe.js';

/** Eight tiny Python files (a few hundred bytes each). */
export const tinyPythonDocuments: readonly string[] = Array.from({ length: 8 }, (_, file) =>
  [
    `"""Module ${file}: helpers."""`,
    'import os',
    '',
    `def scale_${file}(values, factor=${file + 1}):`,
    '    """Multiply every value by factor."""',
    '    return [value * factor for value in values]',
    '',
    `class Counter${file}:`,
    '    def __init__(self):',
    '        self.count = 0',
    '',
    '    def step(self, amount=1):',
    '        self.count += amount',
    '        return self.count',
    '',
  ].join('\n'),
);

/**
 * A byte-level BPE trained on {@link tinyPythonDocuments}.
 *
 * @param options.vocabSize - vocabulary size including `<|endoftext|>` (default 300).
 */
export function createTinyTokenizer(options: { vocabSize?: number } = {}): BpeTokenizer {
  return trainBpe({
    documents: tinyPythonDocuments,
    vocabSize: options.vocabSize ?? 300,
    specialTokens: ['<|endoftext|>'],
  });
}

/**
 * {@link tinyPythonDocuments} windowed with {@link createTinyTokenizer}: 2 of 8 files held out.
 *
 * @param options.seqLen - window length (default 16).
 * @param options.seed - split seed (default 0).
 */
export function createTinyDataset(options: { seqLen?: number; seed?: number } = {}): PreparedDataset {
  return prepareDataset({
    documents: tinyPythonDocuments,
    tokenizer: createTinyTokenizer(),
    seqLen: options.seqLen ?? 16,
    validationFraction: 0.25,
    seed: options.seed ?? 0,
  });
}

export {
  numberedTestWindows,
  writeTestTokenStore,
  type TestStoreWindows,
  type WriteTestTokenStoreOptions,
} from './token-store.js';
