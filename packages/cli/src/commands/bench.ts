/** `normfree bench`: wired to packages/cli/src/bench (the speed engineer's module). */
import type { Command } from 'commander';
import type { CliIo } from '../program.js';

export function addBenchCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  void io;
  void setExitCode;
  program.command('bench').description('benchmark training speed (not wired yet)');
}
