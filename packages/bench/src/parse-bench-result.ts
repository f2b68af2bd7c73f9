/**
 * Validate a bench result read back from JSON (a `--baseline` file) with a `zod/mini` schema, the
 * project's one validation style for files it reads (docs/decisions/0005); errors name the field and
 * its value (`formatSchemaError` of @normfree/core).
 *
 * The schema checks what `compareWithBaseline` and the tables read. Objects are loose and
 * `backend`, `job` are any strings: a result written by another normfree version, with other
 * backends, presets or fields, still compares where its runs match.
 */
import { formatSchemaError } from '@normfree/core';
import * as z from 'zod/mini';
import type { BenchResult } from './api.js';

const text = z.string({ error: 'a string' });
const objectError = { error: 'an object' };
const arrayError = { error: 'an array' };
const optionalNumber = z.exactOptional(z.number({ error: 'a number' }));

const stepTimesSchema = z.looseObject(
  {
    median: z.number({ error: 'a number' }),
    min: z.number({ error: 'a number' }),
    max: z.number({ error: 'a number' }),
  },
  objectError,
);

const runSchema = z.looseObject(
  {
    backend: text,
    job: text,
    status: z.enum(['ok', 'skipped', 'failed'], { error: '"ok", "skipped" or "failed"' }),
    configuration: z.exactOptional(text),
    tokensPerSecond: optionalNumber,
    msPerStep: z.exactOptional(stepTimesSchema),
    forwardBackwardMsPerStep: optionalNumber,
    cpuMsPerStep: optionalNumber,
    achievedGflops: optionalNumber,
    peakRssMiB: optionalNumber,
    matmul: z.exactOptional(
      z.array(
        z.looseObject({ size: z.number({ error: 'a number' }), gflops: z.number({ error: 'a number' }) }, objectError),
        arrayError,
      ),
    ),
  },
  objectError,
);

const benchResultSchema = z.looseObject(
  {
    version: z.literal(1, { error: '1' }),
    date: text,
    machine: z.looseObject({}, objectError),
    runs: z.array(runSchema, arrayError),
  },
  objectError,
);

/**
 * Checks that `json` is a version-1 bench result.
 *
 * @param json - the parsed file.
 * @param source - what it is, at the start of errors (default `bench baseline`; the CLI adds the path).
 * @throws TypeError `<source>: field "<path>" must be <expected>, got <value>`.
 */
export function parseBenchResult(json: unknown, source = 'bench baseline'): BenchResult {
  const parsed = benchResultSchema.safeParse(json);
  if (!parsed.success) throw new TypeError(formatSchemaError(parsed.error, json, source));
  // The checked fields fit BenchResult; backend and job may name ones this version does not know.
  return parsed.data as unknown as BenchResult;
}
