#!/usr/bin/env node
/** The `normfree` executable. */
import { runCli } from './program.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  progressStream: process.stderr,
  cwd: process.cwd(),
});
process.exitCode = code;
