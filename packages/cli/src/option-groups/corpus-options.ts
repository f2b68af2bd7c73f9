/**
 * Options of the commands that read a corpus of CodeParrot-style files (`prepare`, `tokenizer train`),
 * declared once for both.
 */
import { Option } from 'commander';

/** `--field <name>`: the row field that holds a file's text (the reader's default is `content`). */
export function fieldOption(): Option {
  return new Option('--field <name>', 'the row field holding the text (default content)');
}
