/**
 * Read one run folder back as core's {@link RunData}, with errors that name the file (and line).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunData } from '@normfree/core';
import {
  parseFinalEntropy,
  parseRunConfig,
  parseRunLogs,
  parseRunSummary,
  runDataFrom,
  runFileNames,
  RunFileError,
  type RunConfigFile,
} from '../run-files.js';

async function readText(path: string, what: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RunFileError(`${path}: cannot read ${what} (${(error as Error).message})`);
  }
}

/**
 * Read `summary.json` and `logs.jsonl` (and `final-entropy.json` when the summary lacks it).
 *
 * @param dir - one run folder, e.g. `runs/laptop/sm-g-seed1337`.
 * @throws {@link RunFileError} naming the file for a missing summary or a damaged file, and the
 *   1-based line for a damaged log line (`…/logs.jsonl:12: damaged line, …`).
 */
export async function readRunDirectory(dir: string): Promise<RunData> {
  const summaryPath = join(dir, runFileNames.summary);
  const summaryText = await readText(summaryPath, 'the run summary');
  if (summaryText === undefined)
    throw new RunFileError(`${summaryPath}: missing; ${dir} is not a run directory (or the run never started)`);
  let summary = parseRunSummary(summaryText, summaryPath);
  const logsPath = join(dir, runFileNames.logs);
  const logsText = (await readText(logsPath, 'the run logs')) ?? '';
  const records = parseRunLogs(logsText, logsPath);
  if (summary.finalEntropy === undefined) {
    const entropyPath = join(dir, runFileNames.finalEntropy);
    const entropyText = await readText(entropyPath, 'the final entropy');
    if (entropyText !== undefined) summary = { ...summary, finalEntropy: parseFinalEntropy(entropyText, entropyPath) };
  }
  return runDataFrom(summary, records);
}

/** Read a run folder's `config.json`, or undefined when there is none. */
export async function readRunConfig(dir: string): Promise<RunConfigFile | undefined> {
  const path = join(dir, runFileNames.config);
  const text = await readText(path, 'the run config');
  if (text === undefined) return undefined;
  return parseRunConfig(text, path);
}
