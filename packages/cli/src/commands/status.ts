/**
 * `normfree status <exp>`: every planned run's state (planned, running, interrupted, failed, completed,
 * diverged), read by @normfree/experiment's `experimentStatus`; this file declares the command
 * ({@link statusDefinition}) and prints.
 */
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { exitCodes } from '../errors.js';

export async function statusCommand(options: { dir: string; io: CliIo }): Promise<number> {
  const { experimentStatus } = await import('@normfree/experiment/node');
  const runs = await experimentStatus(options.dir);
  const width = Math.max(...runs.map((run) => run.runId.length));
  const lines = runs.map((run) => {
    const evalPart =
      run.summary?.finalEval === undefined || run.state !== 'completed'
        ? ''
        : `  eval ppl ${run.summary.finalEval.perplexity.toFixed(3)}`;
    const progress =
      run.summary === undefined || run.state === 'completed'
        ? ''
        : `  step ${run.summary.stepsCompleted}/${run.summary.training.steps}`;
    return `${String(run.index).padStart(3)}  ${run.runId.padEnd(width)}  ${run.state.padEnd(11)}${progress}${evalPart}${run.detail === undefined ? '' : `  ${run.detail}`}`;
  });
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
  options.io.stdout(
    `${lines.join('\n')}\n${runs.length} runs: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}\n`,
  );
  return exitCodes.ok;
}

/** `normfree status <dir>`. */
export const statusDefinition: CommandDefinition = {
  name: 'status',
  register(program, context) {
    const { io, absolute, setExitCode } = context;
    program
      .command('status')
      .description(
        'list the planned runs of an experiment folder and where each stands: ' +
          'planned, running, interrupted, failed, completed, diverged',
      )
      .argument('<dir>', 'an experiment folder')
      .action(async (dir: string) => {
        setExitCode(await statusCommand({ dir: absolute(dir), io }));
      });
  },
};
