/**
 * GPT-2's byte-to-unicode table: every byte gets a printable character so that byte-level tokens
 * can be written as JSON strings (space → `Ġ`, newline → `Ċ`).
 *
 * References:
 * 1. OpenAI GPT-2 `encoder.py`, `bytes_to_unicode()`.
 * 2. Hugging Face tokenizers, `pre_tokenizers/byte_level.rs` (`bytes_char`, `ByteLevel::alphabet`).
 */

/**
 * The 256 bytes in GPT-2's alphabet order: printable Latin-1 bytes first (`!`…`~`, `¡`…`¬`, `®`…`ÿ`),
 * then the remaining bytes in ascending order. Entry `i` is the byte whose token id is `i`, as in
 * GPT-2's `encoder.json` and in a Hugging Face trainer seeded with `ByteLevel.alphabet()` (it sorts
 * the alphabet by code point, which gives the same order).
 */
export const byteLevelOrder: readonly number[] = buildByteLevelOrder();

/** `byteToUnicode[b]` is the one-character string GPT-2 uses for byte `b`. */
export const byteToUnicode: readonly string[] = buildByteToUnicode();

/** The inverse of {@link byteToUnicode}: character → byte. */
export const unicodeToByte: ReadonlyMap<string, number> = new Map(
  byteToUnicode.map((character, byte) => [character, byte] as const),
);

function isPrintable(byte: number): boolean {
  return (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
}

function buildByteLevelOrder(): number[] {
  const printable: number[] = [];
  const rest: number[] = [];
  for (let byte = 0; byte < 256; byte++) (isPrintable(byte) ? printable : rest).push(byte);
  return [...printable, ...rest];
}

function buildByteToUnicode(): string[] {
  const table = new Array<string>(256);
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    // Printable bytes stand for themselves; the others are shifted to U+0100 upwards, in byte order.
    table[byte] = isPrintable(byte) ? String.fromCharCode(byte) : String.fromCharCode(256 + extra++);
  }
  return table;
}

/**
 * Writes bytes as a byte-level token string (`[0x20, 0x74]` → `"Ġt"`).
 *
 * @param bytes - raw bytes.
 * @returns one character per byte.
 */
export function bytesToByteLevel(bytes: ArrayLike<number>): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += byteToUnicode[bytes[i]!]!;
  return text;
}

/**
 * Reads a byte-level token string back into bytes (`"Ġt"` → `[0x20, 0x74]`).
 *
 * @param token - a string made of byte-level characters only.
 * @returns the bytes, or `undefined` if a character is not in the byte-level alphabet.
 */
export function byteLevelToBytes(token: string): Uint8Array | undefined {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const byte = unicodeToByte.get(token[i]!);
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}
