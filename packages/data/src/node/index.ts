export * from './read-corpus-file.js';
export * from './default-corpus.js';
