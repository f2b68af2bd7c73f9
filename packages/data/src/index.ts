export * from './byte-level-alphabet.js';
export * from './gpt2-pretokenizer.js';
export * from './bpe-tokenizer.js';
export * from './train-bpe.js';
export * from './tokenizer-json.js';
export * from './load-tokenizer-json.js';
export * from './gpt2-tokenizer.js';
export * from './split-by-file.js';
