import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '@normfree/experiment';
import { createBarProgress, createLineProgress } from './progress.js';

describe('progress display', () => {
  it('should format durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('should print plain lines at most every interval, with step, loss, eval loss and ETA', () => {
    let now = 0;
    const lines: string[] = [];
    const progress = createLineProgress({ write: (line) => lines.push(line), intervalMs: 10_000, now: () => now });
    progress.start('sm-r-seed1', { steps: 100, startStep: 20 });
    now = 5_000;
    progress.update('sm-r-seed1', { step: 25, steps: 100, loss: 6.5 });
    now = 10_000;
    progress.update('sm-r-seed1', { step: 30, steps: 100, loss: 6.25, evalLoss: 6.4 });
    now = 12_000;
    progress.finish('sm-r-seed1', 'completed');
    expect(lines).toEqual([
      '[normfree] sm-r-seed1: resuming at step 20, 100 steps\n',
      // 10 steps in 10 s → 70 steps left ≈ 70 s
      '[normfree] sm-r-seed1: step 30/100 loss 6.250 eval 6.400 ETA 1m10s\n',
      '[normfree] sm-r-seed1: completed in 12s\n',
    ]);
  });

  it('should draw a bar per run on a terminal stream', async () => {
    const stream = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const progress = createBarProgress({ stream });
    progress.start('sm-g-seed1337', { steps: 10, startStep: 0 });
    progress.update('sm-g-seed1337', { step: 5, steps: 10, loss: 7.123 });
    await new Promise((resolve) => setTimeout(resolve, 400)); // bars redraw at 5 frames per second
    progress.finish('sm-g-seed1337', 'completed');
    progress.stop();
    expect(text).toContain('sm-g-seed1337');
    expect(text).toContain('5/10 steps | loss 7.123');
    expect(text).toContain('sm-g-seed1337: completed');
  });
});
