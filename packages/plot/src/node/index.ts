export * from './render.js';
export * from './fonts.js';
export { writeFileAtomic, writeJsonAtomic } from '@normfree/core/node';
export * from './write-figures.js';
export * from './authors-logs.js';
export * from './text-metrics.js';
export * from './write-report.js';
