/**
 * The authors' PyTorch code trained at the `laptop` size on this project's own windows: the only
 * PyTorch perplexities a normfree `laptop` run may be put beside.
 *
 * Copied from the repository's `fixtures/reference-laptop/results.json`, because a published package
 * cannot read that folder;
 * reference-laptop.test.ts compares this copy with the file, number for number, so it cannot drift.
 *
 * - Runtime, the file's `runtime` line: "torch 2.13.0+cpu, transformers 5.17, fp32, 1 thread".
 * - Data identity, its `data` field: the embedded CPython corpus, its 4096-token BPE, T = 128, the
 *   split of the embedded corpus's prebuilt token store (`@normfree/data/node`'s `ensureDefaultTokenStore()`,
 *   files split by `splitByFile` with seed 0 and fraction 0.05): 22,826 train
 *   windows (SHA-256 c9bdfd8a59fac6749431d5320b6a5a8649b3167cd66227b8904d9b6bbdd3fc9e) and 1,405
 *   validation windows (SHA-256 6894a9cc3cd8af1ee54affa2cf2eed8928cd6f52a0f67181f51c29f3dbfd9a65),
 *   hashed as the windows' token ids in store order, little-endian uint16 (the SHA-256 of each split's
 *   one shard; data's default-store.test.ts asserts both).
 * - Model and training: 4 layers × 4 heads × d 128, batch 32, 1,200 steps, the `laptop` preset's
 *   schedule and optimizer (the fixture's README lists them).
 * - Seeds: init under `transformers.set_seed(seed)`, batches from `torch.randperm` seeded with the run
 *   seed. A reference seed and a normfree seed with the same number share neither init weights nor
 *   batch order nor dropout masks; the two sides are samples, not pairs.
 *
 * An older reference (64.9 / 61.1 / 119.9 / 82.7, one seed) used another tokenizer and another file
 * split and is not comparable with our runs; it was removed.
 */

/** One reference run: its final evaluation on every validation window. */
export interface ReferenceLaptopRun {
  readonly configuration: string;
  readonly label: string;
  readonly seed: number;
  /** Token-mean cross-entropy on all validation windows (nats); `final.eval_loss`. */
  readonly evalLoss: number;
  /** exp(evalLoss); `final.perplexity`. */
  readonly perplexity: number;
  /** Windows the final evaluation covered; `final.validation_windows`. */
  readonly validationWindows: number;
}

/** What the report uses of results.json (field names camelCased). */
export interface ReferenceLaptop {
  /** The file this was copied from, relative to the folder that holds the workspace and `shared/`. */
  readonly source: string;
  /** The file's `runtime` line. */
  readonly runtime: string;
  /** The file's `data` field: which windows were trained and evaluated on. */
  readonly data: {
    readonly vocabSize: number;
    readonly contextLength: number;
    readonly trainWindows: number;
    readonly validationWindows: number;
    readonly trainSha256: string;
    readonly validationSha256: string;
  };
  readonly model: {
    readonly nLayer: number;
    readonly nHead: number;
    readonly nEmbd: number;
    readonly blockSize: number;
  };
  readonly training: { readonly steps: number; readonly batchSize: number };
  readonly runs: readonly ReferenceLaptopRun[];
}

/** The reference, as results.json has it. */
export const referenceLaptop: ReferenceLaptop = {
  source: 'fixtures/reference-laptop/results.json',
  runtime: 'torch 2.13.0+cpu, transformers 5.17, fp32, 1 thread',
  data: {
    vocabSize: 4096,
    contextLength: 128,
    trainWindows: 22_826,
    validationWindows: 1405,
    trainSha256: 'c9bdfd8a59fac6749431d5320b6a5a8649b3167cd66227b8904d9b6bbdd3fc9e',
    validationSha256: '6894a9cc3cd8af1ee54affa2cf2eed8928cd6f52a0f67181f51c29f3dbfd9a65',
  },
  model: { nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 128 },
  training: { steps: 1200, batchSize: 32 },
  // In the file's order; seeds 2 and 1337 of SM+G differ by a third (the fixture's README).
  runs: [
    {
      configuration: 'sm-ln-g',
      label: 'SM+LN+G',
      seed: 1337,
      evalLoss: 3.964902146091665,
      perplexity: 52.71511075763932,
      validationWindows: 1405,
    },
    {
      configuration: 'sm-ln-r',
      label: 'SM+LN+R',
      seed: 1337,
      evalLoss: 3.920254487414377,
      perplexity: 50.41327268914225,
      validationWindows: 1405,
    },
    {
      configuration: 'sm-g',
      label: 'SM+G',
      seed: 2,
      evalLoss: 4.314431790185568,
      perplexity: 74.77112568381452,
      validationWindows: 1405,
    },
    {
      configuration: 'sm-g',
      label: 'SM+G',
      seed: 1337,
      evalLoss: 4.600949448622843,
      perplexity: 99.57881574281087,
      validationWindows: 1405,
    },
    {
      configuration: 'sm-r',
      label: 'SM+R',
      seed: 1337,
      evalLoss: 4.15169803612597,
      perplexity: 63.5418050245013,
      validationWindows: 1405,
    },
  ],
};
