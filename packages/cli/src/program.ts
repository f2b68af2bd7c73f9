/**
 * The `normfree` command line (commander 14): `reproduce`, `train`, `prepare`, `tokenizer train`,
 * `run`, `status`, `backends`, `report`, `plot-authors`, `bench`. This file only assembles: each
 * command declares its options and action in `commands/<name>.ts` (a {@link CommandDefinition}),
 * option groups that several commands share live in `option-groups/`, and the experiment runner is
 * `@normfree/experiment`. Unknown flags are rejected with a suggestion (`Did you mean --steps?`),
 * every command has `--help`, and {@link runCli} returns the exit code instead of exiting, so it can
 * be tested.
 *
 * Training, plotting and benchmark code is imported lazily by the actions: `--help` loads only the
 * option declarations and run settings (and tfjs-core, which the activation registry needs).
 */
import { Command, CommanderError } from 'commander';
import { ExperimentInputError } from '@normfree/experiment';
import type { CliDependencies, CliIo } from './cli-io.js';
import { createCommandContext, type CommandDefinition } from './command-context.js';
import { backendsDefinition } from './commands/backends.js';
import { benchDefinition } from './commands/bench.js';
import { plotAuthorsDefinition } from './commands/plot-authors.js';
import { prepareDefinition } from './commands/prepare.js';
import { reportDefinition } from './commands/report.js';
import { reproduceDefinition } from './commands/reproduce.js';
import { runDefinition } from './commands/run.js';
import { statusDefinition } from './commands/status.js';
import { tokenizerDefinition } from './commands/tokenizer.js';
import { trainDefinition } from './commands/train.js';
import { UsageError, errorMessage, exitCodes } from './errors.js';

/** Every command, in the order `normfree --help` lists them. */
const commandDefinitions: readonly CommandDefinition[] = [
  reproduceDefinition,
  trainDefinition,
  prepareDefinition,
  tokenizerDefinition,
  runDefinition,
  backendsDefinition,
  statusDefinition,
  reportDefinition,
  plotAuthorsDefinition,
  benchDefinition,
];

/**
 * Build the program. Actions report their exit code through `setExitCode`; errors propagate to
 * {@link runCli}.
 */
export function createProgram(
  io: CliIo,
  dependencies: CliDependencies = {},
  setExitCode: (code: number) => void = () => {},
): Command {
  const program = new Command('normfree')
    .description('Normalization-free transformers on TensorFlow.js: reproduce "ReLU\'s Revival" (Jha & Reagen, 2024)')
    .version('0.0.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const context = createCommandContext(io, dependencies, setExitCode);
  for (const definition of commandDefinitions) definition.register(program, context);
  return program;
}

/**
 * Parse `argv` (without the node and script paths) and run the command.
 *
 * @returns the exit code: 0 success, 1 a run or the report failed, 2 bad input.
 */
export async function runCli(argv: readonly string[], io: CliIo, dependencies: CliDependencies = {}): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = createProgram(io, dependencies, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; `normfree` alone prints help and exits 2, like any usage error.
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    if (error instanceof UsageError || error instanceof ExperimentInputError) {
      io.stderr(`error: ${error.message}\n`);
      return exitCodes.usage;
    }
    io.stderr(`error: ${errorMessage(error)}\n`);
    return exitCodes.failure;
  }
}
