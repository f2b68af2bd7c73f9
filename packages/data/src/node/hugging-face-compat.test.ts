// Cross-checks of the default tokenizer.json against Hugging Face's tokenizers: the pure-JS
// @huggingface/tokenizers (run here) and the Rust/Python `tokenizers` 0.23.2 (ids recorded once by
// scripts/make-python-fixture.py in src/__fixtures__/python-tokenizers-ids.json).
import { readFileSync } from 'node:fs';
import { Tokenizer as HuggingFaceTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { splitByFile } from '../split-by-file.js';
import { defaultAssetPaths, loadDefaultCorpus, loadDefaultTokenizer } from './default-corpus.js';
import { defaultStoreOptions } from './default-store.js';

interface PythonCase {
  text?: string;
  path?: string;
  ids: number[];
}
// The part of @huggingface/tokenizers' Tokenizer this test uses, typed here: the package's .d.ts files
// import without file extensions, which NodeNext resolution cannot follow, so TypeScript sees the class
// as unresolved (any) and every call on it as unsafe.
interface HuggingFaceEncoder {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
}
const HuggingFaceEncoderClass = HuggingFaceTokenizer as unknown as new (
  tokenizerJson: unknown,
  tokenizerConfig: object,
) => HuggingFaceEncoder;

const pythonFixture = JSON.parse(
  readFileSync(new URL('../__fixtures__/python-tokenizers-ids.json', import.meta.url), 'utf8'),
) as { producer: string; cases: PythonCase[] };

describe('default tokenizer.json in Hugging Face tokenizers', () => {
  it('should give identical ids in @huggingface/tokenizers on held-out corpus files', async () => {
    const [documents, tokenizer] = await Promise.all([loadDefaultCorpus(), loadDefaultTokenizer()]);
    const huggingFace = new HuggingFaceEncoderClass(JSON.parse(readFileSync(defaultAssetPaths.tokenizer, 'utf8')), {});
    const { validation } = splitByFile({
      fileCount: documents.length,
      validationFraction: defaultStoreOptions.validationFraction,
      seed: defaultStoreOptions.seed,
    });
    // Five small held-out files (the JS library runs at ~0.7 MB/s; keep the test fast).
    const heldOut = validation
      .map((index) => documents[index]!)
      .filter((document) => document.content.length < 6000)
      .slice(0, 5);
    expect(heldOut.length).toBe(5);
    for (const document of heldOut) {
      const expected = huggingFace.encode(document.content, { add_special_tokens: false }).ids;
      expect(tokenizer.encode(document.content), document.path).toEqual(expected);
    }
  });

  it(`should give the ids that Python tokenizers recorded (${pythonFixture.producer})`, async () => {
    const [documents, tokenizer] = await Promise.all([loadDefaultCorpus(), loadDefaultTokenizer()]);
    const byPath = new Map(documents.map((document) => [document.path, document.content]));
    expect(pythonFixture.cases.length).toBeGreaterThanOrEqual(8);
    for (const testCase of pythonFixture.cases) {
      const text = testCase.text ?? byPath.get(testCase.path);
      expect(text, testCase.path).toBeDefined();
      expect(tokenizer.encode(text!), testCase.path ?? testCase.text).toEqual(testCase.ids);
    }
  });
});
