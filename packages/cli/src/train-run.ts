/** In-process executor: trains one run with the real packages. */
import type { RunExecutor } from './run-executor.js';

export function createInProcessExecutor(): RunExecutor {
  return () => Promise.reject(new Error('not implemented'));
}
