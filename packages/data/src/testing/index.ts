/**
 * Small, fast stand-ins for other packages' tests: a few Python-like documents, a tokenizer trained
 * on them in milliseconds (no asset files read), and small token stores written on the spot.
 */
import type { BpeTokenizer } from '../bpe-tokenizer.js';
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

export {
  numberedTestWindows,
  writeTestTokenStore,
  type TestStoreWindows,
  type WriteTestTokenStoreOptions,
} from './token-store.js';
