/**
 * The embedded corpus (Python source from the CPython standard library, PSF licence) and its
 * 4,096-token BPE, fetched from the page's own server (Vite `?url` assets) and cut into windows.
 * Only the first documents are tokenized: a pure-JS BPE over the whole 10 MB would keep the page
 * busy for minutes, and the presets offered here need far fewer tokens.
 */
import corpusUrl from '@normfree/data/assets/python-stdlib.jsonl.gz?url';
import tokenizerUrl from '@normfree/data/assets/tokenizer.json?url';
import type { Tokenizer } from '@normfree/core';
import { loadTokenizerJson, readJsonLines, tokenizeCorpus, windowDataset, type PreparedDataset } from '@normfree/data';

export interface PlaygroundDataset {
  readonly tokenizer: Tokenizer;
  readonly dataset: PreparedDataset;
  /** Documents tokenized (of the corpus's total). */
  readonly documents: number;
  readonly totalDocuments: number;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const cache = new Map<string, Promise<PlaygroundDataset>>();

/**
 * Load (once per window length) the corpus, tokenize its first documents up to `maxCharacters`,
 * and split them by file into training and validation windows of `seqLen` tokens.
 */
export function loadPlaygroundDataset(options: { seqLen: number; maxCharacters: number }): Promise<PlaygroundDataset> {
  const key = `${options.seqLen}:${options.maxCharacters}`;
  let loaded = cache.get(key);
  if (loaded === undefined) {
    loaded = (async () => {
      const [corpusBytes, tokenizerText] = await Promise.all([fetchBytes(corpusUrl), fetch(tokenizerUrl).then((response) => response.text())]);
      const tokenizer = loadTokenizerJson(tokenizerText, { source: 'tokenizer.json' });
      const documents = readJsonLines(corpusBytes, { source: 'python-stdlib.jsonl.gz' });
      const chosen = [];
      let characters = 0;
      for (const document of documents) {
        if (characters >= options.maxCharacters) break;
        chosen.push(document);
        characters += document.content.length;
      }
      const corpus = tokenizeCorpus({ documents: chosen, tokenizer });
      // 10 % of files held out, so a small corpus still has validation windows.
      const dataset = windowDataset({ corpus, seqLen: options.seqLen, validationFraction: 0.1, seed: 0 });
      return { tokenizer, dataset, documents: chosen.length, totalDocuments: documents.length };
    })();
    cache.set(key, loaded);
    loaded.catch(() => cache.delete(key));
  }
  return loaded;
}
