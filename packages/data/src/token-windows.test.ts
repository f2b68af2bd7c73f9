import { describe, expect, it } from 'vitest';
import { createTokenWindows, windowCount } from './token-windows.js';

const range = (start: number, length: number): number[] => Array.from({ length }, (_, index) => start + index);

describe('createTokenWindows (CodeParrot rule)', () => {
  // File 0: 10 tokens → 2 windows of 4, tail of 2 dropped; file 1: 3 tokens → none; file 2: 8 → 2.
  const files = [range(0, 10), range(100, 3), range(200, 8)];
  const windows = createTokenWindows({ files, seqLen: 4, vocabSize: 300 });

  it('should cut each file into consecutive non-overlapping windows and drop the partial tail', () => {
    expect(windows.count).toBe(4);
    expect(Array.from(windows.window(0))).toEqual([0, 1, 2, 3]);
    expect(Array.from(windows.window(1))).toEqual([4, 5, 6, 7]);
    expect(Array.from(windows.window(2))).toEqual([200, 201, 202, 203]);
    expect(Array.from(windows.window(3))).toEqual([204, 205, 206, 207]);
  });

  it('should never cross files and insert no EOS', () => {
    expect(Array.from(windows.fileIndex)).toEqual([0, 0, 2, 2]);
    const all = Array.from(windows.tokens);
    expect(all).not.toContain(8); // file 0's tail
    expect(all).not.toContain(100); // file 1 is shorter than one window
    expect(all).toHaveLength(4 * 4);
  });

  it('should store ids compactly: Uint16Array up to vocab 65536, Int32Array above', () => {
    expect(windows.tokens).toBeInstanceOf(Uint16Array);
    const large = createTokenWindows({ files: [[70000, 1]], seqLen: 2, vocabSize: 100000 });
    expect(large.tokens).toBeInstanceOf(Int32Array);
    expect(Array.from(large.window(0))).toEqual([70000, 1]);
  });

  it('should record given file indices and reject bad arguments, naming them', () => {
    const picked = createTokenWindows({ files: [range(0, 4)], seqLen: 4, vocabSize: 10, fileIndices: [7] });
    expect(Array.from(picked.fileIndex)).toEqual([7]);
    expect(() => createTokenWindows({ files, seqLen: 0, vocabSize: 10 })).toThrow(
      /seqLen must be a positive integer, got 0/,
    );
    expect(() => windows.window(4)).toThrow(/index 4 is outside \[0, 4\)/);
    expect(windowCount(255, 128)).toBe(1);
  });
});
