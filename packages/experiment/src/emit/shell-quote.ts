/**
 * Quoting for the bash scripts the cluster emitters write.
 *
 * References:
 * 1. POSIX Shell Command Language §2.2.2 Single-Quotes: nothing inside single quotes is special,
 *    and a single quote cannot occur inside them — hence the `'\''` idiom (close, escaped quote, reopen).
 *    https://pubs.opengroup.org/onlinepubs/9799919799/utilities/V3_chap02.html#tag_19_02_02
 */

/**
 * Characters that need no quoting anywhere in a bash word: no expansion (`$`, `` ` ``, `~`, `*`, `?`,
 * `[`, `{`), no operator (`|`, `&`, `;`, `<`, `>`, `(`, `)`), no quote, no blank.
 */
const plainWord = /^[A-Za-z0-9_/.,:=@%+-]+$/;
/** `NAME=value` at the start of a command is an assignment, not a word: always quote it. */
const assignmentLike = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * One argument, quoted so that bash reads it back as exactly `value`: bare when that is safe
 * (`--backend`, `/scratch/exp-1`), otherwise in single quotes (`'/scratch/my exp'`,
 * `'it'\''s'`, `'$HOME'`, `''`).
 *
 * @param value - any string without a NUL character (a NUL cannot be passed as an argument).
 * @returns the bash word.
 * @throws RangeError on a NUL character.
 * @example
 * shellQuote("it's $5"); // => 'it'\''s $5'
 */
export function shellQuote(value: string): string {
  if (value.includes('\0'))
    throw new RangeError(`cannot quote ${JSON.stringify(value)} for bash: it holds a NUL character`);
  if (plainWord.test(value) && !assignmentLike.test(value)) return value;
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Several arguments, each quoted, joined by spaces. */
export function shellQuoteAll(values: readonly string[]): string {
  return values.map(shellQuote).join(' ');
}
