import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';

let root = '';

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'normfree-atomic-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates the folder, replaces an existing file whole, and leaves no temporary file', async () => {
    const path = join(root, 'deep', 'summary.json');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, new TextEncoder().encode('second'));
    expect(await readFile(path, 'utf8')).toBe('second');
    expect(await readdir(join(root, 'deep'))).toEqual(['summary.json']);
  });

  it('fails without leaving a temporary file when the target cannot be replaced', async () => {
    const path = join(root, 'taken');
    await mkdir(join(path, 'child'), { recursive: true }); // a non-empty folder cannot be renamed over
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow();
    expect((await readdir(root)).sort()).toEqual(['taken']);
  });

  it('writes JSON indented with a trailing newline', async () => {
    const path = join(root, 'experiment.json');
    await writeJsonAtomic(path, { version: 1, seeds: [1337] });
    expect(await readFile(path, 'utf8')).toBe('{\n  "version": 1,\n  "seeds": [\n    1337\n  ]\n}\n');
  });
});
