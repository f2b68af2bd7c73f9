/**
 * The error of bad input to an experiment: an unknown preset or configuration, an impossible model,
 * an override out of range, a folder that holds something else, a damaged run file. The message
 * names the input and the offending value; nothing already written is touched when it is thrown.
 * The CLI prints it without a stack trace and exits with code 2; any other error is a bug or an
 * environment failure.
 */
export class ExperimentInputError extends Error {
  override readonly name = 'ExperimentInputError';
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Run `action`; core's lookups throw RangeError for unknown names, which here is bad input. */
export function asInputError<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof RangeError) throw new ExperimentInputError(error.message);
    throw error;
  }
}
