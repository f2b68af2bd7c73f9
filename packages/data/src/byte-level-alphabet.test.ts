import { describe, expect, it } from 'vitest';
import {
  byteLevelOrder,
  byteLevelToBytes,
  bytesToByteLevel,
  byteToUnicode,
  unicodeToByte,
} from './byte-level-alphabet.js';

describe('byte-level alphabet', () => {
  it('should give every byte a distinct printable character', () => {
    expect(new Set(byteToUnicode).size).toBe(256);
    expect(unicodeToByte.size).toBe(256);
    expect(byteToUnicode[0x20]).toBe('Ġ');
    expect(byteToUnicode[0x0a]).toBe('Ċ');
    expect(byteToUnicode[0x41]).toBe('A');
  });

  it('should order ids like GPT-2 encoder.json (id 0 = "!", id 188 = byte 0)', () => {
    expect(byteLevelOrder[0]).toBe(0x21);
    expect(byteLevelOrder[93]).toBe(0x7e);
    expect(byteLevelOrder[188]).toBe(0x00);
    expect(byteLevelOrder[220]).toBe(0x20); // GPT-2: id 220 is "Ġ"
    expect(new Set(byteLevelOrder).size).toBe(256);
  });

  it('should round-trip bytes through byte-level strings', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(Array.from(byteLevelToBytes(bytesToByteLevel(bytes))!)).toEqual(Array.from(bytes));
    expect(byteLevelToBytes('a€')).toBeUndefined();
  });
});
