/**
 * What the command line talks to: where it writes ({@link CliIo}) and the pieces a test or an
 * embedding program can replace ({@link CliDependencies}). Types only, in a module of their own so
 * that `program.ts` and every `commands/*.ts` can import them without importing each other.
 */
import type { NodeBackendHooks } from '@normfree/backend';
import type { RunExecutor } from '@normfree/experiment';
import type { ProgressDisplay } from './progress.js';

/** Where the command line writes; tests capture both. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The stream progress bars draw on (a TTY gets bars, anything else plain lines). */
  readonly progressStream: NodeJS.WriteStream;
  /** Relative paths resolve against this folder. */
  readonly cwd: string;
}

/** Replaceable pieces, for tests and for code that embeds the command line. */
export interface CliDependencies {
  /** Executor for `workers` parallel runs (default: in-process for 1, child processes for more). */
  readonly createExecutor?: (options: { workers: number }) => Promise<RunExecutor> | RunExecutor;
  readonly progress?: ProgressDisplay;
  readonly now?: () => Date;
  /** Environment of `run` (job array indices); default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Stand-ins for dawn.node and tfjs-node in the backend checks (tests simulate machines with them). */
  readonly backendHooks?: NodeBackendHooks;
}
