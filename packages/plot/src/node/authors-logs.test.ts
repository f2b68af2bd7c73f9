import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { layerCountRows } from '../nan-counts-chart.js';
import { paperFigures } from '../paper-figures.js';
import { parseAuthorsLog, parsePythonFloat, readAuthorsLogs } from './authors-logs.js';

const fixture = fileURLToPath(new URL('../__fixtures__/authors-run/sm-r', import.meta.url));
const scratch: string[] = [];
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("readAuthorsLogs on a run folder of the authors' code", () => {
  it('reads per-layer entropy, keeping the last value of a step logged twice (append mode)', async () => {
    const run = await readAuthorsLogs(fixture);
    expect(run.entropy.map((log) => log.step)).toEqual([0, 100, 200]);
    // Step 0 and 100 appear twice in each file; the second run's values win.
    expect(run.entropy[0]!.perLayer).toEqual([3.55, 3.48]);
    expect(run.entropy[1]!.perLayer).toEqual([3.1, 2.4]);
    expect(run.entropy[2]!.perLayer).toEqual([3.0, 2.25]);
  });

  it('reads NaN counts per layer, including exponent notation', async () => {
    const run = await readAuthorsLogs(fixture);
    expect(run.entropy.map((log) => log.nanCounts)).toEqual([
      [0, 0],
      [0, 128],
      [0, 1500],
    ]);
    expect(layerCountRows([run], { metric: 'nan', nonZeroOnly: true }).length).toBe(6);
  });

  it('reads global_slope.txt as one curve, last value of a repeated step, blank lines skipped', async () => {
    const run = await readAuthorsLogs(fixture);
    expect(run.slopes.map((log) => [log.step, log.slopes])).toEqual([
      [0, [0.01]],
      [100, [0.012]],
      [200, [0.0042]],
    ]);
  });

  it('takes eval losses from trainer_state.json and names the run after its folder', async () => {
    const run = await readAuthorsLogs(fixture, { seed: 7 });
    expect(run.evals.map((log) => [log.step, log.loss])).toEqual([
      [100, 2.3],
      [200, 1.1],
    ]);
    expect(run.evals[1]!.perplexity).toBeCloseTo(Math.exp(1.1), 12);
    expect(run).toMatchObject({ configuration: 'sm-r', label: 'SM+R', seed: 7, status: 'unknown' });
  });

  it('gives a run that the figures can draw (eval loss, layer entropy, slopes, NaN counts)', async () => {
    const run = await readAuthorsLogs(fixture);
    expect(paperFigures([run]).map((figure) => figure.id)).toEqual([
      'figure2b-eval-loss',
      'figure3-slopes',
      'figure4-layer-entropy',
      'figure5-nan-counts',
    ]);
  });

  it('reads per-layer slope files layer_{i}_slope.txt', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-authors-'));
    scratch.push(dir);
    await mkdir(join(dir, 'neg_slope_logs'));
    await writeFile(join(dir, 'neg_slope_logs', 'layer_0_slope.txt'), 'Step 0: 0.01\nStep 100: 0.02\n');
    await writeFile(join(dir, 'neg_slope_logs', 'layer_1_slope.txt'), 'Step 0: 0.01\nStep 100: -0.003\n');
    const run = await readAuthorsLogs(dir, { configuration: 'sm-llr-layer' });
    expect(run.slopes.map((log) => log.slopes)).toEqual([
      [0.01, 0.01],
      [0.02, -0.003],
    ]);
    expect(run.label).toBe('SM+LLR(layer)');
  });

  it('names the file, line number and line of a malformed line (fixture with a duplicate step and a missing colon)', async () => {
    const malformed = fileURLToPath(new URL('../__fixtures__/authors-run-malformed', import.meta.url));
    const file = join(malformed, 'entropy_logs', 'layer_0_entropy.txt');
    await expect(readAuthorsLogs(malformed)).rejects.toThrow(
      `${file}:5: malformed line "Step 300 - Layer 0 2.9"; expected "Step <step> - Layer 0: <value>"`,
    );
  });

  it('names the file and line of a malformed line written by a test', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-authors-'));
    scratch.push(dir);
    await mkdir(join(dir, 'entropy_logs'));
    const file = join(dir, 'entropy_logs', 'layer_0_entropy.txt');
    await writeFile(file, 'Step 0 - Layer 0: 3.5\nStep 100 - Layer 0 3.2\n');
    await expect(readAuthorsLogs(dir)).rejects.toThrow(`${file}:2: malformed line "Step 100 - Layer 0 3.2"`);
  });

  it('names trainer_state.json, the field and the value of an eval entry of the wrong type', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-authors-'));
    scratch.push(dir);
    const file = join(dir, 'trainer_state.json');
    await writeFile(
      file,
      JSON.stringify({
        log_history: [
          { loss: 3, step: 50 },
          { eval_loss: '2.3', step: 100 },
        ],
      }),
    );
    await expect(readAuthorsLogs(fixture, { trainerStateFile: file })).rejects.toThrow(
      `${file}: field "log_history[1].eval_loss" must be a number, got "2.3"`,
    );
    await writeFile(file, JSON.stringify({ log_history: [{ eval_loss: 2.3 }] }));
    await expect(readAuthorsLogs(fixture, { trainerStateFile: file })).rejects.toThrow(
      `${file}: missing field "log_history[0].step" (a number)`,
    );
    await writeFile(file, JSON.stringify({ global_step: 3 }));
    await expect(readAuthorsLogs(fixture, { trainerStateFile: file })).rejects.toThrow(
      `${file}: missing field "log_history" (an array (is this a Hugging Face trainer_state.json?))`,
    );
  });

  it('rejects a folder with no log folders, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plot-authors-'));
    scratch.push(dir);
    await expect(readAuthorsLogs(dir)).rejects.toThrow(`${dir} has none of entropy_logs/`);
  });
});

describe('parseAuthorsLog', () => {
  it('rejects a line that names another layer than its file', () => {
    expect(() => parseAuthorsLog('Step 0 - Layer 3: 1.0\n', 'layer_2_entropy.txt', 2)).toThrow(
      'layer_2_entropy.txt:1: line "Step 0 - Layer 3: 1.0" names layer 3',
    );
  });

  it('rejects a value that is not a Python float (e.g. a tensor repr)', () => {
    expect(() => parseAuthorsLog('Step 0: tensor(0.01)\n', 'global_slope.txt', undefined)).toThrow(
      'global_slope.txt:1: value "tensor(0.01)" is not a number',
    );
  });

  it('parses Python float reprs including nan and inf', () => {
    expect(parsePythonFloat('1e-05')).toBe(1e-5);
    expect(parsePythonFloat('nan')).toBeNaN();
    expect(parsePythonFloat('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parsePythonFloat('1.2.3')).toBeUndefined();
  });
});
