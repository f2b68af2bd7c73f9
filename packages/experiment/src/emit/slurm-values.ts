/**
 * The SLURM value formats the sbatch emitter checks and writes: time limits, memory sizes, and
 * values on `#SBATCH` lines (which sbatch parses itself, not bash).
 *
 * References:
 * 1. sbatch(1), `--time`: "minutes", "minutes:seconds", "hours:minutes:seconds", "days-hours",
 *    "days-hours:minutes" and "days-hours:minutes:seconds". https://slurm.schedmd.com/sbatch.html#OPT_time
 * 2. sbatch(1), `--mem`: "Default units are megabytes. Different units can be specified using the
 *    suffix [K|M|G|T]." https://slurm.schedmd.com/sbatch.html#OPT_mem
 * 3. sbatch(1), "filename pattern": `%A` array job id, `%a` task id, `%j` job id, `%%` a literal
 *    `%`; "\\ Do not process any of the replacement symbols." https://slurm.schedmd.com/sbatch.html#SECTION_FILENAME-PATTERN
 * 4. SLURM `src/sbatch/opt.c`, `_get_argument()`: how a `#SBATCH` line is split into arguments.
 *    Since 18.08: `"…"` and `'…'` quote, `\` escapes the next character, an unquoted `#` starts a
 *    comment. Before: only `"` toggles quoting, and `#` starts a comment even inside quotes.
 *    https://github.com/SchedMD/slurm/blob/master/src/sbatch/opt.c
 */

/** The six `--time` forms of sbatch(1) (ref. 1): M, M:S, H:M:S, D-H, D-H:M, D-H:M:S. */
const slurmTime = /^(?:\d+-\d+(?::\d+(?::\d+)?)?|\d+(?::\d+(?::\d+)?)?)$/;

/**
 * Is `text` a SLURM time limit (ref. 1) other than zero? `0` and `UNLIMITED` mean "no limit",
 * which sites either forbid or replace by the partition's maximum: say the time you want.
 */
export function isSlurmTime(text: string): boolean {
  return slurmTime.test(text) && /[1-9]/.test(text);
}

/**
 * Is `text` a `--mem` size (ref. 2): a positive whole number with an optional K, M, G or T suffix
 * (no suffix: megabytes)? `0`, which asks for all of a node's memory, is refused: array tasks share
 * nodes. Decimals (`1.5G`) are not accepted by SLURM: write `1536M`.
 */
export function isSlurmMemory(text: string): boolean {
  return /^[1-9]\d*[KMGTkmgt]?$/.test(text);
}

/**
 * A value for a `#SBATCH` line, read back by sbatch as exactly `value`, with both the current and
 * the pre-18.08 parser (ref. 4): in double quotes, with `\`, `"`, `'` and `#` escaped by `\`.
 * The value must not hold a line break (a directive is one line).
 */
export function sbatchQuote(value: string): string {
  return `"${value.replace(/[\\"'#]/g, (character) => `\\${character}`)}"`;
}

/** A folder name used in a `--output` pattern (ref. 3): a literal `%` is written `%%`. */
export function slurmFilenameLiteral(text: string): string {
  return text.replaceAll('%', '%%');
}
