import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseJsonLines, readJsonLines } from './read-json-lines.js';

const encoder = new TextEncoder();
const rows = [
  { repo_name: 'a/b', path: 'x.py', copies: '1', size: '10', content: 'import os\n', license: 'mit' },
  { content: 'ünïcode 😀\n' },
];
const text = rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

describe('parseJsonLines', () => {
  it('should read content and the CodeParrot fields, skipping blank lines and \\r', () => {
    const documents = parseJsonLines(`${text}\r\n\n`.replace('\n', '\r\n'), { source: 'rows.jsonl' });
    expect(documents).toEqual([
      { content: 'import os\n', path: 'x.py', repoName: 'a/b', license: 'mit' },
      { content: 'ünïcode 😀\n' },
    ]);
  });

  it('should name file and line for a line without content', () => {
    expect(() => parseJsonLines(`${text}{"text":"x","path":"p"}\n`, { source: 'rows.jsonl' })).toThrow(
      /rows\.jsonl:3: no string "content" field \(got no such field; keys: text, path\)/,
    );
  });

  it('should name file and line for invalid JSON', () => {
    expect(() => parseJsonLines(`${text}\n{"content": "x",\n`, { source: 'rows.jsonl' })).toThrow(
      /rows\.jsonl:4: invalid JSON/,
    );
  });

  it('should name file and line for a line that is not an object', () => {
    expect(() => parseJsonLines('[1,2]\n', { source: 'rows.jsonl' })).toThrow(/rows\.jsonl:1: expected a JSON object/);
  });
});

describe('readJsonLines', () => {
  it('should read plain and gzipped bytes to the same documents', () => {
    const plain = readJsonLines(encoder.encode(text), { source: 'a.jsonl' });
    const gzipped = readJsonLines(gzipSync(encoder.encode(text)), { source: 'a.jsonl.gz' });
    expect(gzipped).toEqual(plain);
    expect(plain).toHaveLength(2);
  });

  it('should name the file when gzip is truncated', () => {
    const gzipped = gzipSync(encoder.encode(text.repeat(50)));
    expect(() => readJsonLines(gzipped.subarray(0, gzipped.length - 30), { source: 'cut.jsonl.gz' })).toThrow(
      /cut\.jsonl\.gz: cannot decompress gzip .*truncated/,
    );
  });

  it('should name the file for bytes that are not UTF-8', () => {
    expect(() => readJsonLines(Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d), { source: 'bin.jsonl' })).toThrow(
      /bin\.jsonl: not valid UTF-8/,
    );
  });
});
