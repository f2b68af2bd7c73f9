/** The tokenizer contract: text ↔ token ids. Implementations live in `@normfree/data`. */
export interface Tokenizer {
  readonly specificationVersion: 'v1';
  /** Number of ids the tokenizer can produce (the model's vocabSize). */
  readonly vocabSize: number;
  /** Special tokens by text, e.g. `{ '<|endoftext|>': 4095 }`. */
  readonly specialTokens: Readonly<Record<string, number>>;
  /** Ids of a whole document. Special-token text inside `text` is encoded as ordinary text. */
  encode(text: string): number[];
  decode(ids: ArrayLike<number>): string;
}
