/** Validate a bench result read back from JSON (a `--baseline` file). */
import type { BenchResult } from './api.js';

/** Throws a TypeError naming what is wrong when `json` is not a version-1 bench result. */
export function parseBenchResult(json: unknown): BenchResult {
  if (typeof json !== 'object' || json === null) throw new TypeError(`bench baseline must be a JSON object, got ${JSON.stringify(json)}`);
  const record = json as Record<string, unknown>;
  if (record['version'] !== 1) throw new TypeError(`bench baseline: version must be 1, got ${JSON.stringify(record['version'])}`);
  if (!Array.isArray(record['runs'])) throw new TypeError('bench baseline: "runs" must be an array');
  for (const [index, run] of (record['runs'] as unknown[]).entries()) {
    const entry = run as Record<string, unknown> | null;
    if (typeof entry !== 'object' || entry === null || typeof entry['backend'] !== 'string' || typeof entry['job'] !== 'string' || typeof entry['status'] !== 'string') {
      throw new TypeError(`bench baseline: runs[${index}] needs string "backend", "job" and "status"`);
    }
  }
  return json as BenchResult;
}
