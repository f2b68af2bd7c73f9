/**
 * @normfree/cli: the `normfree` command. Its API is for embedding or testing the command line; the
 * experiment runner it drives is `@normfree/experiment`.
 */
export { runCli, createProgram } from './program.js';
export type { CliIo, CliDependencies } from './cli-io.js';
export { defaultWorkers, defaultWorkersFor } from './default-workers.js';
export { exitCodes, UsageError } from './errors.js';
export { createProgressDisplay, createLineProgress, createBarProgress, type ProgressDisplay } from './progress.js';
export {
  parseConfigurationList,
  parseSeedList,
  parseNorm,
  parsePreset,
  parseChoice,
  overrideValueParsers,
} from './option-parsers.js';
