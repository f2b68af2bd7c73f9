/**
 * `--plain-progress` and `--progress-interval`: how a long command shows its progress, declared once
 * for `reproduce`, `train`, `run` and `prepare`.
 */
import type { Command } from 'commander';
import { parsePositiveNumber } from '../option-parsers.js';

/** The progress flags as commander hands them to an action. */
export interface ProgressFlags {
  plainProgress?: boolean;
  /** Seconds between plain progress lines (default 10). */
  progressInterval: number;
}

/** Add the progress flags to `command`. */
export function addProgressOptions(command: Command): Command {
  return command
    .option('--plain-progress', 'print plain progress lines even in a terminal')
    .option('--progress-interval <seconds>', 'seconds between plain progress lines', parsePositiveNumber, 10);
}
