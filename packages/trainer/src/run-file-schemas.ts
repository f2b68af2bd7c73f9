/**
 * The shapes of the run files normfree reads back (browser-safe): `summary.json`, each `logs.jsonl`
 * record, `final-entropy.json`, `config.json`, and a checkpoint's JSON metadata. They are `zod/mini`
 * schemas (the project's one validation style for files it reads, docs/decisions/0005), written from
 * core's types (`RunSummary`, `RunLogRecord`, …); the type checks at the end of this file fail to
 * compile when a schema's output no longer fits its type. Errors are worded by core's
 * `formatSchemaError` in run-files.ts and checkpoint.ts.
 *
 * Objects are loose: fields a schema does not name are kept, as the readers kept them before, so a
 * file written by a newer normfree with an extra field still reads.
 *
 * `model` and `training` are checked to be objects only: their fields are checked by core's
 * validators where a run is built from them (`resolveModelConfig`, training options).
 */
import type {
  DivergedLog,
  EntropyLog,
  EvalLog,
  ModelConfig,
  RunLogRecord,
  RunSummary,
  SlopeLog,
  StepLog,
  TrainingOptions,
} from '@normfree/core';
import * as z from 'zod/mini';

/**
 * Any number, NaN and ±Infinity included: run files write them as "NaN" / "Infinity" and the reader's
 * reviver turns them back into numbers (a diverged loss, an infinite perplexity). `z.number()` refuses
 * them, hence the custom check.
 */
const anyNumber = z.custom<number>((value) => typeof value === 'number', { error: 'a number' });
const finiteNumber = z.number({ error: 'a finite number' });
const numbers = z.array(anyNumber, { error: 'an array of numbers' });
const text = z.string({ error: 'a string' });
const objectError = { error: 'an object' };

/** A safe integer ≥ `minimum`, named so in errors. */
function integerAtLeast(minimum: number) {
  const error = `an integer ≥ ${minimum}`;
  return z.int({ error }).check(z.gte(minimum, { error }));
}

/** A plain object (not null, not an array) of type T, whose fields are checked elsewhere. */
function objectOf<T>() {
  return z.custom<T>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), objectError);
}

const step = integerAtLeast(0);

const stepLogSchema = z.looseObject({
  type: z.literal('step'),
  step,
  loss: anyNumber,
  learningRate: anyNumber,
  gradNorm: anyNumber,
  tokensPerSecond: anyNumber,
  msPerStep: anyNumber,
  tokens: integerAtLeast(0),
  slopes: z.exactOptional(numbers),
});

const evalLogSchema = z.looseObject(
  { type: z.literal('eval'), step, loss: anyNumber, perplexity: anyNumber, windows: integerAtLeast(0) },
  objectError,
);

const entropyLogSchema = z.looseObject(
  {
    type: z.literal('entropy'),
    step,
    perHead: z.array(numbers, { error: 'an array of arrays of numbers' }),
    perLayer: numbers,
    nanCounts: numbers,
    fp16Overflows: z.exactOptional(numbers),
    windows: integerAtLeast(0),
  },
  objectError,
);

const slopeLogSchema = z.looseObject({ type: z.literal('slopes'), step, slopes: numbers });

const divergedLogSchema = z.looseObject({ type: z.literal('diverged'), step, reason: text }, objectError);

/** One `logs.jsonl` line: a {@link RunLogRecord}, told apart by its `type`. */
export const runLogRecordSchema = z.discriminatedUnion(
  'type',
  [stepLogSchema, evalLogSchema, entropyLogSchema, slopeLogSchema, divergedLogSchema],
  { error: '"step", "eval", "entropy", "slopes" or "diverged"' },
);

/** `final-entropy.json`: one {@link EntropyLog}. */
export const entropyLogFileSchema = entropyLogSchema;

/** `summary.json`: core's {@link RunSummary}. */
export const runSummarySchema = z.looseObject(
  {
    version: z.literal(1, { error: '1' }),
    configuration: text,
    label: text,
    seed: z.int({ error: 'an integer' }),
    status: z.enum(['running', 'completed', 'diverged', 'stopped'], {
      error: '"running", "completed", "diverged" or "stopped"',
    }),
    model: objectOf<ModelConfig>(),
    training: objectOf<TrainingOptions>(),
    stepsCompleted: integerAtLeast(0),
    tokensSeen: integerAtLeast(0),
    wallSeconds: finiteNumber,
    backend: text,
    parameterCount: integerAtLeast(0),
    finalEval: z.exactOptional(evalLogSchema),
    finalEntropy: z.exactOptional(entropyLogSchema),
    diverged: z.exactOptional(divergedLogSchema),
  },
  objectError,
);

/** A run's configuration id and paper label (`config.json`, checkpoint metadata `configuration`). */
export const configurationLabelSchema = z.looseObject({ id: text, label: text }, objectError);

const sha256 = z
  .string({ error: 'a SHA-256 in lowercase hex (64 characters)' })
  .check(z.regex(/^[0-9a-f]{64}$/, { error: 'a SHA-256 in lowercase hex (64 characters)' }));

/** `config.json`: run-files.ts's `RunConfigFile`. */
export const runConfigSchema = z.looseObject(
  {
    version: z.literal(1, { error: '1' }),
    kind: z.literal('normfree-run', { error: '"normfree-run"' }),
    configuration: configurationLabelSchema,
    seed: z.int({ error: 'an integer' }),
    model: objectOf<ModelConfig>(),
    training: objectOf<TrainingOptions>(),
    data: z.exactOptional(
      z.looseObject(
        {
          store: text,
          manifestSha256: sha256,
          seqLen: integerAtLeast(1),
          tokenizer: z.looseObject({ name: text, sha256, vocabSize: integerAtLeast(1) }, objectError),
        },
        objectError,
      ),
    ),
  },
  objectError,
);

/** Checkpoint metadata `config` and `training`: objects whose fields core checks when a model is built. */
export const modelConfigMetadataSchema = objectOf<ModelConfig>();
export const trainingMetadataSchema = objectOf<TrainingOptions>();

// Compile-time checks: each schema's output is assignable to the core type it reads (run-files.ts and
// checkpoint.ts return `config.json`'s and the configuration label's parsed data uncast, which checks those).
type Fits<Output extends Expected, Expected> = Output;
export type RunFileSchemaChecks = [
  Fits<z.infer<typeof stepLogSchema>, StepLog>,
  Fits<z.infer<typeof evalLogSchema>, EvalLog>,
  Fits<z.infer<typeof entropyLogSchema>, EntropyLog>,
  Fits<z.infer<typeof slopeLogSchema>, SlopeLog>,
  Fits<z.infer<typeof divergedLogSchema>, DivergedLog>,
  Fits<z.infer<typeof runLogRecordSchema>, RunLogRecord>,
  Fits<z.infer<typeof runSummarySchema>, RunSummary>,
];
