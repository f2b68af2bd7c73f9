/**
 * Read an experiment folder's runs back: `<run>/summary.json` plus `<run>/logs.jsonl` (one
 * RunLogRecord per line). A damaged line is an error naming the file and the line number; nothing is
 * guessed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { groupRunLogs, type RunData, type RunLogRecord, type RunSummary } from '@normfree/core';
import { UsageError, errorMessage } from './errors.js';

const recordTypes = new Set(['step', 'eval', 'entropy', 'slopes', 'diverged']);

/** Parse JSON-lines log text; `path` is only used in error messages. */
export function parseRunLogs(text: string, path: string): RunLogRecord[] {
  const records: RunLogRecord[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      // The last line of an interrupted run may be cut short: still an error, but say so.
      const last = index === lines.length - 1 || (index === lines.length - 2 && lines.at(-1) === '');
      throw new UsageError(`${path}:${index + 1}: damaged log line (${errorMessage(error)})${last ? '; the run may have been interrupted while writing it' : ''}: ${line.slice(0, 120)}`);
    }
    const type = (record as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !recordTypes.has(type) || typeof (record as { step?: unknown }).step !== 'number') {
      throw new UsageError(`${path}:${index + 1}: not a log record (expected "type" one of ${[...recordTypes].join(', ')} and a numeric "step"): ${line.slice(0, 120)}`);
    }
    records.push(record as RunLogRecord);
  });
  return records;
}

/** Read one run folder. */
export async function readRunData(runDir: string): Promise<RunData> {
  const summaryPath = join(runDir, 'summary.json');
  let summary: RunSummary;
  try {
    summary = JSON.parse(await readFile(summaryPath, 'utf8')) as RunSummary;
  } catch (error) {
    throw new UsageError(`${summaryPath}: ${errorMessage(error)}`);
  }
  const logsPath = join(runDir, 'logs.jsonl');
  let text = '';
  try {
    text = await readFile(logsPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return { summary, ...groupRunLogs(parseRunLogs(text, logsPath)) };
}

/** Names of the run folders (those with a summary.json) of an experiment folder, sorted. */
export async function listRunFolders(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new UsageError(`cannot read experiment folder '${dir}': ${errorMessage(error)}`);
  }
  const runs: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const names = await readdir(join(dir, entry.name));
    if (names.includes('summary.json')) runs.push(entry.name);
  }
  return runs.sort();
}
