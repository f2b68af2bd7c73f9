export * from './read-corpus-file.js';
export * from './default-corpus.js';
// Token stores: reading from disk (positioned reads), verifying.
export * from './token-store.js';
