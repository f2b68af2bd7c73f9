#!/usr/bin/env node
/** The `normfree` executable. */
import { releaseBackend } from '@normfree/backend';
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progressStream: process.stderr,
  cwd: process.cwd(),
});
// webgpu: dawn.node's navigator.gpu keeps the event loop (and so the process) alive until removed.
releaseBackend();
process.exitCode = code;
