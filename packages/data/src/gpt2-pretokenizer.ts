/**
 * GPT-2's pre-tokenizer: the regular expression that splits text into words before BPE runs.
 * Merges never cross these boundaries.
 *
 * References:
 * 1. OpenAI GPT-2 `encoder.py` (`self.pat`).
 * 2. Hugging Face tokenizers, `pre_tokenizers/byte_level.rs` (the same pattern, `use_regex: true`).
 * 3. docs/toolchain.md §7.
 */

/** The GPT-2 split pattern (flags `gu`). */
export const gpt2SplitPattern = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Splits text into GPT-2 pre-tokens. Concatenating the result gives `text` back.
 *
 * @param text - any string.
 * @returns the pre-tokens in order.
 */
export function gpt2Pretokenize(text: string): string[] {
  const pieces: string[] = [];
  // A fresh RegExp per call: exec keeps its position in lastIndex.
  const splitter = new RegExp(gpt2SplitPattern);
  let match: RegExpExecArray | null;
  while ((match = splitter.exec(text)) !== null) pieces.push(match[0]);
  return pieces;
}
