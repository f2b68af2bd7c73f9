/**
 * Gzip detection and decompression for corpus files, browser-safe (fflate, synchronous).
 */
import { gunzipSync } from 'fflate';

/**
 * Whether bytes start with the gzip magic number `1f 8b`.
 *
 * @param bytes - the start of a file (at least two bytes to be detected).
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses a gzip file.
 *
 * @param bytes - the whole gzip file.
 * @param options.source - file name for the error message.
 * @returns the decompressed bytes.
 * @throws Error naming `source` if the data is truncated or corrupt.
 */
export function gunzip(bytes: Uint8Array, options: { source: string }): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(
      `${options.source}: cannot decompress gzip (${(error as Error).message}); the file may be truncated or corrupt`,
    );
  }
}
