import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from './main.js';

afterEach(async () => {
  tf.disposeVariables();
  await tf.setBackend('cpu');
});

/** |loss − ln 64| at init: ln_f keeps logits small (std ≈ √d·0.02 ≈ 0.11). */
const INIT_LOSS_ABSOLUTE = 0.1;

describe('examples/custom-activation', () => {
  it('registers squared-relu, builds an LN-free model with it and lowers the loss with one step', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await main({ backend: 'cpu', log: (line) => lines.push(line) });
    expect(result.kinds).toContain('squared-relu');
    expect(result.logitsShape).toEqual([2, 16, 64]);
    expect(Math.abs(result.lossBefore - Math.log(64))).toBeLessThan(INIT_LOSS_ABSOLUTE);
    expect(result.lossAfter).toBeLessThan(result.lossBefore);
    expect(lines.at(-1)).toMatch(/^logits 2×16×64; loss \d\.\d{4} .* -> \d\.\d{4} after one step$/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('can run twice in one process (registration is idempotent)', async () => {
    await main({ backend: 'cpu', log: () => undefined });
    await expect(main({ backend: 'cpu', log: () => undefined })).resolves.toMatchObject({ backend: 'cpu' });
  });
});
