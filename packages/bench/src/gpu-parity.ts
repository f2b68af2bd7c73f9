/**
 * Golden-fixture parity on the GPU benchmark's adapter: the transformer's webgpu parity child
 * (`packages/transformer/src/__fixtures__/webgpu-parity-child.mjs`, the child of the SwiftShader parity
 * test) prints, per fixture and stage, every worst |Δ| against the authors' PyTorch outputs and the
 * error it is allowed; this file judges those records with the tests' rule: every |Δ| within its
 * allowance, and the fixture's and the model's gradient names equal.
 *
 * The child lives in the repository, not in a published package: the GPU benchmark is a repository
 * tool (`npm run gpu-benchmark`), and elsewhere parity reports that it could not run.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { definedFields } from '@normfree/core';

/**
 * What the parity child prints for one fixture and stage (`error` is the string `Infinity` for a NaN
 * or a length mismatch: JSON has no Infinity).
 */
export interface ParityFixtureRecord {
  readonly name: string;
  readonly stage: string;
  readonly gradientNames: { readonly fixture: readonly string[]; readonly model: readonly string[] };
  readonly comparisons: readonly {
    readonly what: string;
    readonly error: number | 'Infinity';
    readonly allowed: number;
  }[];
}

export interface ParityReport {
  /** The adapter the child ran on (its first record's `info`). */
  readonly adapter?: string;
  readonly fixtures?: number;
  readonly passed: boolean;
  readonly failures?: readonly string[];
  /** The tolerance the child compared with (`referenceTolerance` of `@normfree/transformer/testing`). */
  readonly tolerance?: { readonly relative: number; readonly absolute: number };
  /** Why parity could not run at all. */
  readonly error?: string;
}

/** The parity child of the transformer package, found from this module (`src/` and `dist/` alike). */
export const parityChildPath = fileURLToPath(
  new URL('../../transformer/src/__fixtures__/webgpu-parity-child.mjs', import.meta.url),
);

const isFixtureRecord = (record: Record<string, unknown>): boolean => 'comparisons' in record;

/** Judge the child's JSON lines: the failures of every fixture (an empty list is a pass). */
export function judgeParity(records: readonly Record<string, unknown>[]): ParityReport {
  const fixtures = records.filter(isFixtureRecord) as unknown as ParityFixtureRecord[];
  const failures: string[] = [];
  for (const fixture of fixtures) {
    const { fixture: expected, model } = fixture.gradientNames;
    const missing = expected.filter((parameter) => !model.includes(parameter));
    if (missing.length > 0 || expected.length !== model.length) {
      const none = missing.length > 0 ? `; none for ${missing.join(', ')}` : '';
      failures.push(
        `${fixture.name} ${fixture.stage}: gradients of the fixture (${expected.length}) ` +
          `and the model (${model.length}) differ${none}`,
      );
    }
    for (const { what, error, allowed } of fixture.comparisons) {
      if (error === 'Infinity' || error > allowed)
        failures.push(`${fixture.name} ${fixture.stage} ${what}: |Δ| ${error} > ${allowed.toExponential(2)}`);
    }
  }
  const first = records[0];
  const adapter = typeof first?.['info'] === 'string' ? first['info'] : undefined;
  const tolerance = first?.['tolerance'] as ParityReport['tolerance'] | undefined;
  return {
    ...definedFields({ adapter }),
    fixtures: fixtures.length,
    passed: failures.length === 0 && fixtures.length > 0,
    failures,
    ...definedFields({ tolerance }),
  };
}

/**
 * Run the parity child (30 minutes at most) with `environment` and judge what it printed. Never
 * rejects: a child that cannot run comes back as `passed: false` with the first line of its error.
 */
export async function runParity(
  environment: NodeJS.ProcessEnv,
  childPath: string = parityChildPath,
): Promise<ParityReport> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [childPath], {
      env: environment,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 30 * 60 * 1000,
    });
    const records = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return judgeParity(records);
  } catch (error) {
    return { passed: false, error: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '' };
  }
}

/** The parity line of the printed report. */
export function formatParity(parity: ParityReport): string {
  if (parity.error !== undefined) return `Fixture parity: could not run (${parity.error})`;
  if (!parity.passed) {
    const failures =
      parity.failures !== undefined && parity.failures.length > 0 ? parity.failures : ['no fixture was compared'];
    return `Fixture parity on ${parity.adapter ?? 'an unknown adapter'}: FAILED:\n  ${failures.join('\n  ')}`;
  }
  const tolerance = parity.tolerance === undefined ? '' : `, relative ${parity.tolerance.relative}`;
  const adapter = parity.adapter ?? 'an unknown adapter';
  return `Fixture parity on ${adapter}: PASSED (${parity.fixtures ?? 0} fixtures${tolerance})`;
}
