/**
 * The one pattern every `normfree` command follows: a {@link CommandDefinition} in `commands/<name>.ts`
 * declares the command's options and its action, and `program.ts` registers the definitions in help
 * order. What the actions share (where to write, path resolution, the progress display, the executor,
 * the backend check) is the {@link CommandContext} built here once per program.
 *
 * The context loads progress bars, the experiment runner and the backend check with `import()` when an
 * action first asks for them, so `normfree --help` stays fast.
 */
import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunExecutor } from '@normfree/experiment';
import type { BackendRequest } from './backend-check.js';
import type { CliDependencies, CliIo } from './cli-io.js';
import type { ProgressFlags } from './option-groups/progress-options.js';
import type { ProgressDisplay } from './progress.js';

/** What a command's action gets besides its own flags. */
export interface CommandContext {
  readonly io: CliIo;
  readonly dependencies: CliDependencies;
  /** Actions report their exit code here; errors they throw go to `runCli`. */
  readonly setExitCode: (code: number) => void;
  /** The clock of plan dates and default folder names (tests fix it). */
  readonly now: () => Date;
  /** A path given on the command line, resolved against `io.cwd`. */
  readonly absolute: (path: string) => string;
  /** An input path or glob: resolved against `io.cwd` with its pattern characters kept. */
  readonly absoluteInput: (path: string) => string;
  /** The injected progress display, else bars in a terminal and plain lines elsewhere. */
  readonly progressFor: (flags: ProgressFlags) => Promise<ProgressDisplay>;
  /** The injected executor, else in-process for one worker and child processes for more. */
  readonly executorFor: (workers: number) => Promise<RunExecutor>;
  /** The backend asked for must start here (checked before anything is written). */
  readonly requireBackendFor: (request: BackendRequest) => Promise<void>;
}

/** One command: `register` adds it, with its options and action, to the program. */
export interface CommandDefinition {
  /** The command's name as typed (`plot-authors`); `tokenizer` registers its `train` subcommand too. */
  readonly name: string;
  readonly register: (program: Command, context: CommandContext) => void;
}

/** The context of one program: `io` and `dependencies` as given to `createProgram`. */
export function createCommandContext(
  io: CliIo,
  dependencies: CliDependencies,
  setExitCode: (code: number) => void,
): CommandContext {
  return {
    io,
    dependencies,
    setExitCode,
    now: dependencies.now ?? (() => new Date()),
    absolute: (path) => (isAbsolute(path) ? path : resolve(io.cwd, path)),
    // A glob stays a glob: resolved against the working folder, its pattern characters kept.
    absoluteInput: (path) => (isAbsolute(path) ? path : `${io.cwd.replace(/\/$/, '')}/${path}`),
    progressFor: async (flags) => {
      if (dependencies.progress !== undefined) return dependencies.progress;
      const { createProgressDisplay } = await import('./progress.js');
      return createProgressDisplay({
        stream: io.progressStream,
        plain: flags.plainProgress === true,
        intervalMs: flags.progressInterval * 1000,
      });
    },
    executorFor: async (workers) => {
      if (dependencies.createExecutor !== undefined) return dependencies.createExecutor({ workers });
      const { createForkExecutor, createInProcessExecutor } = await import('@normfree/experiment/node');
      return workers > 1 ? createForkExecutor() : createInProcessExecutor();
    },
    requireBackendFor: async (request) => {
      const { requireBackend } = await import('./backend-check.js');
      await requireBackend(request, dependencies.backendHooks);
    },
  };
}
