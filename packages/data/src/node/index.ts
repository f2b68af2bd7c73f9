export * from './read-corpus-file.js';
export * from './default-corpus.js';
// Token stores: reading from disk (positioned reads), verifying.
export * from './token-store.js';
// Token stores: writing (`normfree prepare`): input resolution, streaming readers, worker tokenizing, resumable shards.
export * from './prepare/index.js';
