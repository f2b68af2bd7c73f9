/**
 * The run folder the CLI writes, built in memory and zipped (fflate), so `normfree report` can draw a
 * browser session after unzipping:
 *
 *   experiment.json
 *   <configuration>-seed<seed>/config.json, logs.jsonl, summary.json, final-entropy.json
 *
 * The file contents come from @normfree/trainer's pure serialisers, the same the CLI uses.
 */
import type { ExperimentManifest } from '@normfree/core';
import {
  buildRunSummary,
  formatRunJson,
  formatRunLogs,
  runDirectoryName,
  runFileNames,
  type RunConfigFile,
} from '@normfree/trainer';
import { strToU8, zipSync } from 'fflate';
import type { RunState, Session } from './session.js';
import { definedFields } from '@normfree/core';

/** File path (inside the zip) → text. */
export function runFolderFiles(session: Session): Map<string, string> {
  const files = new Map<string, string>();
  const first = session.runs[0];
  const manifest: ExperimentManifest = {
    version: 1,
    kind: 'normfree-experiment',
    preset: session.preset.name,
    configurations: session.runs.map((run) => run.configuration.id),
    seeds: [first?.training.seed ?? session.preset.training.seed],
    createdAt: session.startedAt.toISOString(),
    corpus: `${session.corpus}, browser playground`,
    tokenizer: session.data?.tokenizer.name ?? session.preset.tokenizer,
  };
  files.set('experiment.json', formatRunJson(manifest));
  for (const run of session.runs) {
    const folder = runDirectoryName(run.configuration.id, run.training.seed);
    const label = { id: run.configuration.id, label: run.configuration.label };
    const config: RunConfigFile = {
      version: 1,
      kind: 'normfree-run',
      configuration: label,
      seed: run.training.seed,
      model: run.model,
      training: run.training,
      ...definedFields({ data: session.data }),
    };
    files.set(`${folder}/${runFileNames.config}`, formatRunJson(config));
    files.set(`${folder}/${runFileNames.logs}`, formatRunLogs(run.records));
    files.set(`${folder}/${runFileNames.summary}`, formatRunJson(summaryOf(run, session)));
    if (run.finalEntropy !== undefined)
      files.set(`${folder}/${runFileNames.finalEntropy}`, formatRunJson(run.finalEntropy));
  }
  return files;
}

function summaryOf(run: RunState, session: Session) {
  const steps = run.records.filter((record) => record.type === 'step');
  const lastStep = steps.at(-1);
  const evals = run.records.filter((record) => record.type === 'eval');
  const diverged = run.records.find((record) => record.type === 'diverged');
  return buildRunSummary({
    configuration: { id: run.configuration.id, label: run.configuration.label },
    seed: run.training.seed,
    status: run.status,
    model: run.model,
    training: run.training,
    stepsCompleted: run.outcome?.stepsCompleted ?? lastStep?.step ?? 0,
    tokensSeen: run.outcome?.tokensSeen ?? lastStep?.tokens ?? 0,
    wallSeconds: run.wallSeconds,
    backend: `${session.backend} (browser playground)`,
    parameterCount: run.parameterCount,
    finalEval: run.outcome?.finalEval ?? evals.at(-1),
    finalEntropy: run.finalEntropy,
    diverged,
  });
}

/** The run folder as zip bytes (folder `normfree-<preset>-<time>/` at the top). */
export function zipRunFolder(session: Session): { name: string; bytes: Uint8Array } {
  const stamp = session.startedAt.toISOString().replace(/[:.]/g, '-');
  const top = `normfree-${session.preset.name}-${stamp}`;
  const entries: Record<string, Uint8Array> = {};
  for (const [path, text] of runFolderFiles(session)) entries[`${top}/${path}`] = strToU8(text);
  return { name: `${top}.zip`, bytes: zipSync(entries, { level: 6 }) };
}
