import { describe, expect, it } from 'vitest';
import { createMemoryWindowReader, decodeTokenIds, windowRuns } from './token-store-windows.js';

describe('windowRuns', () => {
  it('should cut indices, in list order, into runs of consecutive windows within one shard', () => {
    const store = { seqLen: 4, dtype: 'uint16' as const, windowsPerShard: 3 }; // 8 bytes per window
    expect(windowRuns(store, [1, 2, 3, 4, 9, 0, 1])).toEqual([
      { start: 0, end: 2, shard: 0, byteOffset: 8, bytes: 16 }, // windows 1, 2 (shard 0 ends at 3)
      { start: 2, end: 4, shard: 1, byteOffset: 0, bytes: 16 }, // windows 3, 4
      { start: 4, end: 5, shard: 3, byteOffset: 0, bytes: 8 }, // window 9
      { start: 5, end: 7, shard: 0, byteOffset: 0, bytes: 16 }, // windows 0, 1
    ]);
    expect(windowRuns(store, [])).toEqual([]);
  });
});

describe('decodeTokenIds', () => {
  it('should read little-endian uint16 and uint32, aligned or not', () => {
    const bytes = new Uint8Array([0, 1, 0x34, 0x12, 0xff, 0xff, 0, 0, 0]);
    const into = new Int32Array(5).fill(-1);
    decodeTokenIds(bytes.subarray(0, 6), 'uint16', into, 1);
    expect(Array.from(into)).toEqual([-1, 256, 0x1234, 65535, -1]);
    decodeTokenIds(bytes.subarray(1, 9), 'uint16', into); // odd offset: the DataView path
    expect(Array.from(into.subarray(0, 4))).toEqual([0x3401, 0xff12, 0x00ff, 0]);
    const wide = new Uint8Array([1, 0, 1, 0, 0x10, 0x27, 0, 0]);
    decodeTokenIds(wide, 'uint32', into);
    expect(Array.from(into.subarray(0, 2))).toEqual([65537, 10000]);
  });
});

describe('createMemoryWindowReader', () => {
  it('should name an index outside the windows', () => {
    const reader = createMemoryWindowReader(new Int32Array(8), 4, 'mem');
    expect(() => reader.readWindows([2], new Int32Array(4))).toThrow(
      'mem: window index 2 must be an integer in [0, 2)',
    );
  });
});
