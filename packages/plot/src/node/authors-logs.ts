/**
 * Read the text logs written by the authors' PyTorch code into a `PlotRun`, so their runs can be
 * drawn next to ours.
 *
 * References:
 * 1. relu-revival-normfree train_utils.py:10-78 (b645688): `entropy_logs/layer_{i}_entropy.txt` and
 *    `nan_count_logs/layer_{i}_nan_count.txt` with lines `Step {s} - Layer {i}: {v}`;
 *    `neg_slope_logs/layer_{i}_slope.txt` or `global_slope.txt` with lines `Step {s}: {v}`. Values
 *    are Python floats (`2.5`, `1e-05`, `nan`, `inf`).
 * 2. paper-reference §11 item 6: the files are opened in append mode, so a re-run in the same folder
 *    appends a second copy of its steps. We keep the LAST value logged for a step (the latest run).
 * 3. HF `trainer_state.json` `log_history` entries with `eval_loss` (paper-reference §10.3), read
 *    when present.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { experimentConfigurations, formatSchemaError, type EvalLog, type SlopeLog } from '@normfree/core';
import { z } from 'zod';
import type { PlotEntropyLog, PlotRun } from '../plot-run.js';

export interface ReadAuthorsLogsOptions {
  /** Legend label (default: the configuration's paper label, else the folder name). */
  readonly label?: string;
  /** Configuration id (default: the folder name). */
  readonly configuration?: string;
  /** Seed (default 0: the authors' logs do not record it). */
  readonly seed?: number;
  /** A HF `trainer_state.json` for evaluation losses (default: `<dir>/trainer_state.json` if it exists). */
  readonly trainerStateFile?: string;
}

/** One parsed log file: value per step, duplicates resolved (last wins). */
type StepValues = Map<number, number>;

const layerLine = /^Step\s+(\d+)\s+-\s+Layer\s+(\d+):\s+(\S+)\s*$/;
const slopeLine = /^Step\s+(\d+):\s+(\S+)\s*$/;

/**
 * Parse a Python float as `str(float)` writes it: decimals, exponents, `nan`, `inf`, `-inf`.
 * @returns undefined for anything else (`tensor(2.5)`, empty text, `1.2.3`).
 */
export function parsePythonFloat(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : undefined;
}

/**
 * Parse one `layer_{i}_*.txt` (`Step {s} - Layer {i}: {v}`) or slope file (`Step {s}: {v}`).
 * Blank lines are skipped; a repeated step keeps its last value.
 * @param layer - the layer the file name says; a line naming another layer is an error.
 * @throws Error naming the file, the line number and the offending line.
 */
export function parseAuthorsLog(text: string, file: string, layer: number | undefined): StepValues {
  const values: StepValues = new Map();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${file}:${index + 1}`;
    const match = layer === undefined ? slopeLine.exec(line) : layerLine.exec(line);
    const expected = layer === undefined ? '"Step <step>: <value>"' : `"Step <step> - Layer ${layer}: <value>"`;
    if (match === null) throw new Error(`${where}: malformed line ${JSON.stringify(raw)}; expected ${expected}`);
    const step = Number(match[1]);
    if (layer !== undefined && Number(match[2]) !== layer) {
      throw new Error(`${where}: line ${JSON.stringify(raw)} names layer ${match[2]} but the file is layer ${layer}'s`);
    }
    const valueText = layer === undefined ? match[2]! : match[3]!;
    const value = parsePythonFloat(valueText);
    if (value === undefined)
      throw new Error(`${where}: value ${JSON.stringify(valueText)} is not a number in line ${JSON.stringify(raw)}`);
    values.set(step, value); // append mode: a later line for the same step comes from a later run
  });
  return values;
}

/** Read `<folder>/layer_{i}_<suffix>.txt` files: one map per layer index (missing layers: empty). */
async function readLayerFiles(folder: string, suffix: string): Promise<StepValues[]> {
  if (!existsSync(folder)) return [];
  const pattern = new RegExp(`^layer_(\\d+)_${suffix}\\.txt$`);
  const files = (await readdir(folder)).flatMap((name) => {
    const match = pattern.exec(name);
    return match === null ? [] : [{ name, layer: Number(match[1]) }];
  });
  const layers: StepValues[] = [];
  for (const { name, layer } of files) {
    const file = join(folder, name);
    layers[layer] = parseAuthorsLog(await readFile(file, 'utf8'), file, suffix === 'slope' ? undefined : layer);
  }
  return Array.from({ length: layers.length }, (_, layer) => layers[layer] ?? new Map());
}

/** Steps present in any of the maps, ascending. */
function unionSteps(maps: readonly StepValues[]): number[] {
  return [...new Set(maps.flatMap((map) => [...map.keys()]))].sort((a, b) => a - b);
}

/** Per step, one value per layer (NaN where a layer has no value at that step). */
function byStep(maps: readonly StepValues[], step: number): number[] {
  return maps.map((map) => map.get(step) ?? Number.NaN);
}

/**
 * What is read of a HF `trainer_state.json` (zod, the project's one validation style for files it
 * reads): `log_history` entries; those with an `eval_loss` need a numeric `step` too. Other fields
 * and entries (training losses, learning rates) are ignored.
 */
const trainerStateSchema = z.looseObject({
  log_history: z.array(z.looseObject({ eval_loss: z.number().optional(), step: z.number().optional() }), {
    error: 'an array (is this a Hugging Face trainer_state.json?)',
  }),
});

/**
 * Read `eval_loss` entries of a HF `trainer_state.json`.
 * @throws Error naming the file when it is not JSON, and the field and its value when `log_history`
 *   is not an array or an entry's `eval_loss` or `step` is not a number.
 */
async function readTrainerState(file: string): Promise<EvalLog[]> {
  let state: unknown;
  try {
    state = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = trainerStateSchema.safeParse(state);
  if (!parsed.success) throw new Error(formatSchemaError(parsed.error, state, file));
  const evals = new Map<number, EvalLog>();
  parsed.data.log_history.forEach(({ eval_loss: loss, step }, index) => {
    if (loss === undefined) return;
    if (step === undefined) throw new Error(`${file}: missing field "log_history[${index}].step" (a number)`);
    evals.set(step, { type: 'eval', step, loss, perplexity: Math.exp(loss), windows: 0 });
  });
  return [...evals.values()].sort((a, b) => a.step - b.step);
}

/**
 * Read one run folder of the authors' code (the Hydra run directory holding `entropy_logs/`,
 * `nan_count_logs/`, `neg_slope_logs/` and optionally `trainer_state.json`) into a `PlotRun`.
 * Status is `unknown` (the logs carry no summary); there is no per-head entropy, so the run appears
 * in the layer-wise, NaN and slope figures but not in Figures 1 and 2a.
 * @throws Error when the folder has none of the log folders, or a file has a malformed line
 *   (the message names file, line number and line).
 */
export async function readAuthorsLogs(dir: string, options: ReadAuthorsLogsOptions = {}): Promise<PlotRun> {
  const folder = resolve(dir);
  const logFolders = ['entropy_logs', 'nan_count_logs', 'neg_slope_logs'];
  if (!logFolders.some((name) => existsSync(join(folder, name)))) {
    throw new Error(`readAuthorsLogs: ${folder} has none of ${logFolders.map((name) => `${name}/`).join(', ')}`);
  }
  const entropy = await readLayerFiles(join(folder, 'entropy_logs'), 'entropy');
  const nanCounts = await readLayerFiles(join(folder, 'nan_count_logs'), 'nan_count');
  const entropyLogs: PlotEntropyLog[] = unionSteps([...entropy, ...nanCounts]).map((step) => ({
    step,
    ...(entropy.some((map) => map.has(step)) ? { perLayer: byStep(entropy, step) } : {}),
    ...(nanCounts.some((map) => map.has(step)) ? { nanCounts: byStep(nanCounts, step) } : {}),
  }));

  const slopeFolder = join(folder, 'neg_slope_logs');
  let slopes: SlopeLog[] = [];
  const globalFile = join(slopeFolder, 'global_slope.txt');
  if (existsSync(globalFile)) {
    // The authors' "global" file holds layer 0's scalar only (paper-reference §4): one curve.
    const values = parseAuthorsLog(await readFile(globalFile, 'utf8'), globalFile, undefined);
    slopes = [...values]
      .sort((a, b) => a[0] - b[0])
      .map(([step, value]) => ({ type: 'slopes', step, slopes: [value] }));
  } else {
    const perLayer = await readLayerFiles(slopeFolder, 'slope');
    slopes = unionSteps(perLayer).map((step) => ({ type: 'slopes', step, slopes: byStep(perLayer, step) }));
  }

  const trainerState = options.trainerStateFile ?? join(folder, 'trainer_state.json');
  const evals =
    existsSync(trainerState) || options.trainerStateFile !== undefined ? await readTrainerState(trainerState) : [];
  const configuration = options.configuration ?? basename(folder);
  const known = experimentConfigurations.find((entry) => entry.id === configuration);
  return {
    label: options.label ?? known?.label ?? configuration,
    configuration,
    seed: options.seed ?? 0,
    status: 'unknown',
    steps: [],
    evals,
    entropy: entropyLogs,
    slopes,
  };
}
