/**
 * The token-store writer behind `normfree prepare` (Node only): resolve corpus inputs, read them as
 * a stream, tokenize on worker threads, write shards with a resume state.
 */
export { resolveCorpusInputs, naturalCompare, type ResolvedCorpusInput } from './resolve-corpus-inputs.js';
export {
  readCorpusDocuments,
  checkCorpusFile,
  type CorpusRow,
  type ReadCorpusDocumentsOptions,
} from './read-corpus-documents.js';
export {
  tokenizerSpecFromName,
  createTokenizerFromSpec,
  prepareWordCacheLimit,
  tokenizerIdentity,
  defaultTokenizerName,
  type TokenizerSpec,
} from './tokenizer-spec.js';
export { documentHash, isValidationDocument } from './split-hash.js';
export {
  prepareTokenStore,
  prepareTokenStoreDefaults,
  type PrepareTokenStoreOptions,
  type PrepareTokenStoreResult,
  type PrepareProgress,
} from './prepare-token-store.js';
export { defaultTokenizeWorkerPath, tokenizerThreadLimits } from './tokenize-pool.js';
export type { WriteShardBytes } from './shard-writer.js';
