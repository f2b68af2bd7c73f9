/**
 * How many runs `reproduce` trains at the same time when `--workers` is not given.
 */
import { availableParallelism } from 'node:os';

/**
 * Two worker processes when the machine has two cores: on the idle 2-vCPU project machine four
 * `quick` runs took 59 s with 2 workers against 95–101 s with 1 (README "Timings and parallel runs").
 */
export const defaultWorkers = Math.max(1, Math.min(2, availableParallelism()));

/** Worker default for a preset: 1 for `smoke`, whose runs take less time than a worker's start-up. */
export function defaultWorkersFor(preset: string): number {
  return preset === 'smoke' ? 1 : defaultWorkers;
}
