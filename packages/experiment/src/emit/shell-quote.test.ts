import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote, shellQuoteAll } from './shell-quote.js';

/** What bash makes of `words` (already quoted): the arguments it passes, NUL-separated by printf. */
function bashArguments(words: string): string[] {
  const output = execFileSync('bash', ['-c', `printf '%s\\0' ${words}`], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/home/should-not-appear' },
  });
  return output.split('\0').slice(0, -1);
}

const awkward = [
  '/scratch/my experiment',
  "it's",
  '"double"',
  '$HOME and ${HOME} and $(echo no) and `echo no`',
  'tab\tand\nnewline',
  '*.json ?[ab] {a,b}',
  '~/not-home',
  'A=b',
  '-n',
  '!history',
  'semi;colon|pipe&amp>out<in',
  'back\\slash',
  "''",
  'ünïcode ✓',
  '',
];

describe('shellQuote', () => {
  it.each(awkward)('should make bash read %j back unchanged', (value) => {
    expect(bashArguments(shellQuote(value))).toEqual([value]);
  });

  it('should keep several awkward arguments apart', () => {
    expect(bashArguments(shellQuoteAll(awkward))).toEqual(awkward);
  });

  it('should leave plain words bare, so the scripts stay readable', () => {
    expect(shellQuoteAll(['--backend', 'wasm', '/scratch/exp-1/run_2', 'a,b:c@d%e+f=g'])).toBe(
      '--backend wasm /scratch/exp-1/run_2 a,b:c@d%e+f=g',
    );
  });

  it('should quote a word that bash would take for an assignment at the start of a command', () => {
    expect(shellQuote('NODE_OPTIONS=--max-old-space-size=8192')).toBe("'NODE_OPTIONS=--max-old-space-size=8192'");
  });

  it('should quote the empty string as an empty argument, not drop it', () => {
    expect(shellQuote('')).toBe("''");
    expect(bashArguments(`a ${shellQuote('')} b`)).toEqual(['a', '', 'b']);
  });

  it('should refuse a NUL character, which no argument can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(RangeError);
  });
});
