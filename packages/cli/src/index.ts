/**
 * @normfree/cli: the `normfree` command. Its API is for embedding or testing the command line; the
 * experiment runner it drives is `@normfree/experiment`.
 */
export { runCli, createProgram, defaultWorkers, defaultWorkersFor, type CliIo, type CliDependencies } from './program.js';
export { exitCodes, UsageError } from './errors.js';
export { createProgressDisplay, createLineProgress, createBarProgress, type ProgressDisplay } from './progress.js';
export { parseConfigurationList, parseSeedList, parseNorm, parsePreset, parseChoice, overrideValueParsers } from './option-parsers.js';
