export * from './read-corpus-file.js';
export * from './default-corpus.js';
// The embedded corpus as a token store: prebuilt, or prepared on first use into a cache folder.
export * from './default-store.js';
// Token stores: reading from disk (positioned reads), verifying.
export * from './token-store.js';
// Token stores: writing (`normfree prepare`): input resolution, streaming readers, worker tokenizing, resumable shards.
export * from './prepare/index.js';
