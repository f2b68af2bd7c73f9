/**
 * The tokenizer of a token store (browser-safe), checked against the SHA-256 its manifest records,
 * so that ids are never decoded with a tokenizer they did not come from.
 */
import type { Tokenizer } from '@normfree/core';
import { loadTokenizerJson } from './load-tokenizer-json.js';
import { tokenStoreFileNames, type TokenStoreManifest } from './token-store-format.js';

/** What a reader found for the store's tokenizer. */
export interface StoreTokenizerFound {
  /** Where it was looked for, named in errors (the tokenizer.json path or URL, or the store). */
  readonly source: string;
  /** tokenizer.json's text, or undefined when the manifest names no file (the built-in gpt2). */
  readonly text: string | undefined;
  /** SHA-256 (hex) of tokenizer.json's bytes, or of `gpt2TokenizerIdentity` when there is no file. */
  readonly sha256: string;
}

/**
 * The tokenizer a store's ids belong to, after checking its identity against the manifest: the
 * store's `tokenizer.json`, or the built-in GPT-2 tokenizer when the manifest names no file.
 *
 * @param manifest - the store's manifest.
 * @param found - what the reader read (see {@link StoreTokenizerFound}).
 * @returns the tokenizer; its vocabSize is the manifest's.
 * @throws Error naming both hashes if the tokenizer is not the one the ids came from, or both sizes
 *   if its vocabulary differs from the manifest's.
 */
export async function tokenizerForStore(manifest: TokenStoreManifest, found: StoreTokenizerFound): Promise<Tokenizer> {
  const expected = manifest.tokenizer.sha256;
  if (found.sha256 !== expected) {
    throw new Error(
      found.text === undefined
        ? `${found.source}: the store has no ${tokenStoreFileNames.tokenizer} and its tokenizer "${manifest.tokenizer.name}" ` +
            `(sha256 ${expected}) is not the built-in gpt2 (sha256 ${found.sha256})`
        : `${found.source}: sha256 ${found.sha256}, but manifest.json records tokenizer sha256 ${expected}: ` +
            `the ids in the store do not belong to this tokenizer (was ${tokenStoreFileNames.tokenizer} replaced?)`,
    );
  }
  let tokenizer: Tokenizer;
  if (found.text === undefined) {
    // Loaded on demand: GPT-2's ranks are most of this package's browser bundle.
    const { createGpt2Tokenizer } = await import('./gpt2-tokenizer.js');
    tokenizer = createGpt2Tokenizer();
  } else {
    tokenizer = loadTokenizerJson(found.text, { source: found.source });
  }
  if (tokenizer.vocabSize !== manifest.tokenizer.vocabSize) {
    throw new Error(
      `${found.source}: the tokenizer has vocabSize ${tokenizer.vocabSize}, but manifest.json records ${manifest.tokenizer.vocabSize}`,
    );
  }
  return tokenizer;
}
