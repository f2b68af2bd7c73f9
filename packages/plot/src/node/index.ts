export * from './render.js';
export * from './fonts.js';
export * from './atomic-write.js';
export * from './write-figures.js';
export * from './authors-logs.js';
export * from './text-metrics.js';
export * from './write-report.js';
