/**
 * Exit codes and the error a user can fix by changing the command line.
 *
 * - 0: success (diverged runs are results, not failures: the report says so)
 * - 1: a run or the report failed (a bug, a damaged file, a backend that would not start)
 * - 2: bad input: an unknown flag, preset or configuration, an impossible model, an `--out` folder
 *      that holds something else (`UsageError` here, `ExperimentInputError` from the experiment runner)
 * - 130: interrupted (Ctrl-C); the runs keep their checkpoints
 */
export { errorMessage } from '@normfree/experiment';

export const exitCodes = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** Bad input that the user can fix; printed without a stack trace and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
