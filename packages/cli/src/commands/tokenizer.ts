/**
 * `normfree tokenizer train`: a byte-level BPE trained on a corpus, as the paper's 50 K code
 * tokenizer was trained on CodeParrot. Documents stream from the inputs (never read whole) into
 * @normfree/data's bounded-memory pre-token counter; `--max-bytes` samples the first bytes of text.
 * This file declares the command's options ({@link tokenizerDefinition}), parses and prints only.
 */
import { writeFileAtomic } from '@normfree/core/node';
import { formatDuration } from '@normfree/experiment';
import type { CliIo } from '../cli-io.js';
import type { CommandDefinition } from '../command-context.js';
import { exitCodes } from '../errors.js';
import { fieldOption } from '../option-groups/corpus-options.js';
import { parseByteSize, parsePositiveInteger } from '../option-parsers.js';
import { definedFields } from '@normfree/core';

export interface TokenizerTrainOptions {
  readonly inputs: readonly string[];
  readonly vocabSize: number;
  /** Absolute path of the tokenizer.json to write. */
  readonly out: string;
  readonly field?: string;
  /** Stop reading after this many bytes of text (default: all). */
  readonly maxBytes?: number;
  readonly specialTokens: readonly string[];
  /** Bound on distinct pre-tokens held while counting (default {@link defaultMaxDistinct}). */
  readonly maxDistinct?: number;
  readonly io: CliIo;
}

/**
 * Distinct pre-tokens kept while counting: the rarest are pruned beyond it (data's
 * `createPretokenCounter`), which bounds memory (a few hundred MB) however large the corpus.
 */
export const defaultMaxDistinct = 2_000_000;

export async function tokenizerTrainCommand(options: TokenizerTrainOptions): Promise<number> {
  const { io } = options;
  const { readCorpusDocuments, resolveCorpusInputs } = await import('@normfree/data/node');
  const { trainBpeStreaming } = await import('@normfree/data');
  const started = Date.now();
  const inputs = await resolveCorpusInputs(options.inputs);
  async function* texts(): AsyncGenerator<string> {
    for (const input of inputs) {
      for await (const document of readCorpusDocuments(input, { field: options.field ?? 'content' }))
        yield document.content;
    }
  }
  io.stderr(
    `[normfree] training a ${options.vocabSize}-token byte-level BPE on ${inputs.length} input file${inputs.length === 1 ? '' : 's'}${options.maxBytes === undefined ? '' : ` (the first ${(options.maxBytes / 1e6).toFixed(0)} MB of text)`}\n`,
  );
  let lastPrinted = Date.now();
  const result = await trainBpeStreaming({
    documents: texts(),
    vocabSize: options.vocabSize,
    specialTokens: options.specialTokens,
    maxDistinct: options.maxDistinct ?? defaultMaxDistinct,
    ...definedFields({ maxBytes: options.maxBytes }),
    onProgress: ({ documents, bytes, distinct }) => {
      if (Date.now() - lastPrinted < 10_000) return;
      lastPrinted = Date.now();
      io.stderr(
        `[normfree] tokenizer: counted ${documents.toLocaleString('en-US')} files, ${(bytes / 1e6).toFixed(0)} MB, ${distinct.toLocaleString('en-US')} distinct pre-tokens\n`,
      );
    },
  });
  const { tokenizer, documents, bytes } = result;
  await writeFileAtomic(options.out, `${JSON.stringify(tokenizer.toTokenizerJson())}\n`);
  io.stdout(
    `tokenizer: ${options.out}\n  ${tokenizer.vocabSize.toLocaleString('en-US')} ids (${tokenizer.merges.length.toLocaleString('en-US')} merges), trained on ${documents.toLocaleString('en-US')} files, ${(bytes / 1e6).toFixed(1)} MB of text${result.prunes > 0 ? ` (rare pre-tokens pruned ${result.prunes}× to stay within ${(options.maxDistinct ?? defaultMaxDistinct).toLocaleString('en-US')} distinct)` : ''} in ${formatDuration((Date.now() - started) / 1000)}\n` +
      `prepare a store with it: normfree prepare <inputs> --tokenizer ${options.out} --out <store>\n`,
  );
  return exitCodes.ok;
}

/** The flags of `tokenizer train` as commander hands them to its action. */
interface TokenizerTrainFlags {
  vocabSize: number;
  out: string;
  field?: string;
  maxBytes?: number;
  specialTokens: string;
  maxDistinct?: number;
}

/** `normfree tokenizer` and its one subcommand, `normfree tokenizer train <inputs...>`. */
export const tokenizerDefinition: CommandDefinition = {
  name: 'tokenizer',
  register(program, context) {
    const { io, absolute, absoluteInput, setExitCode } = context;
    program
      .command('tokenizer')
      .description('tokenizers for your corpus')
      .command('train')
      .description(
        'train a byte-level BPE (GPT-2 pre-tokenizer) on CodeParrot-style files and write a Hugging Face ' +
          'tokenizer.json; memory stays bounded however large the input',
      )
      .argument('<inputs...>', 'input files, folders or globs, as for prepare')
      .requiredOption(
        '--vocab-size <n>',
        'ids in the vocabulary, including the 256 bytes and the special tokens (the paper: about 50K)',
        parsePositiveInteger,
      )
      .requiredOption('--out <file>', 'the tokenizer.json to write')
      .addOption(fieldOption())
      .option('--max-bytes <size>', 'read at most this much text, e.g. 500MB (default: all of it)', parseByteSize)
      .option('--special-tokens <list>', 'comma list of special tokens, given the last ids', '<|endoftext|>')
      .option(
        '--max-distinct <n>',
        'distinct pre-tokens kept while counting; rarer ones are pruned beyond it (bounds memory; default 2000000)',
        parsePositiveInteger,
      )
      .action(async (inputs: string[], flags: TokenizerTrainFlags) => {
        setExitCode(
          await tokenizerTrainCommand({
            inputs: inputs.map(absoluteInput),
            vocabSize: flags.vocabSize,
            out: absolute(flags.out),
            ...definedFields({ field: flags.field, maxBytes: flags.maxBytes, maxDistinct: flags.maxDistinct }),
            specialTokens: flags.specialTokens
              .split(',')
              .map((token) => token.trim())
              .filter((token) => token !== ''),
            io,
          }),
        );
      });
  },
};
