/**
 * A captured `CliIo` for tests of the command line and of code that embeds it. The fake executor
 * that writes run folders without training is `@normfree/experiment/testing`'s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../cli-io.js';

/** A `CliIo` whose output is collected in strings; progress goes to a non-TTY stream. */
export function createCapturedIo(
  cwd: string = mkdtempSync(join(tmpdir(), 'normfree-cli-')),
): CliIo & { readonly output: { stdout: string; stderr: string } } {
  const output = { stdout: '', stderr: '' };
  const progressStream = new PassThrough() as unknown as NodeJS.WriteStream;
  (progressStream as unknown as PassThrough).on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  return {
    output,
    cwd,
    progressStream,
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
  };
}
