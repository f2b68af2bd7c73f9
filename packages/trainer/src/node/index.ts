export { runTraining } from './run-training.js';
export type { RunTrainingArguments } from './run-training.js';
export { readRunDirectory, readRunConfig } from './read-run-directory.js';
export { writeFileAtomic } from '@normfree/core/node';
