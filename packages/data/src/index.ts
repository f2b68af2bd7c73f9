export * from './byte-level-alphabet.js';
export * from './gpt2-pretokenizer.js';
export * from './bpe-tokenizer.js';
export * from './train-bpe.js';
export * from './tokenizer-json.js';
export * from './load-tokenizer-json.js';
export * from './gpt2-tokenizer.js';
export * from './split-by-file.js';
export * from './corpus-document.js';
export * from './gunzip.js';
export * from './read-json-lines.js';
export * from './read-parquet.js';
export * from './read-corpus.js';
// The CodeParrot windowing rule (how many windows a file of n tokens gives).
export { windowCount } from './token-windows.js';
export * from './token-store-format.js';
// Token stores: reading (the manifest, window readers, seeded O(1)-memory epoch orders, samplers, HTTP reader).
export * from './window-permutation.js';
export * from './token-store-manifest.js';
export * from './token-store-windows.js';
export * from './token-store-sampler.js';
export * from './token-store-tokenizer.js';
export * from './remote-token-store.js';
