/**
 * The priority queue of BPE training (train-bpe.ts): pair candidates ordered by count, then by the
 * smaller pair key, with lazy deletion as in Hugging Face tokenizers' trainer
 * (tokenizers/src/models/bpe/trainer.rs). Internal to the data package.
 */

/**
 * Max-heap of pair candidates `(count, key)`, ordered by count, then by the smaller key: the order
 * in which `trainBpe` (train-bpe.ts) takes merges. Entries are not updated in place; a caller checks
 * the top against the live count and re-pushes or drops it (lazy deletion, as in Hugging Face
 * tokenizers' `BinaryHeap<Merge>`, tokenizers/src/models/bpe/trainer.rs). Counts live in a
 * Float64Array (sums of pre-token counts may pass 2³²), keys in a Uint32Array (`a·65536 + b`).
 */
export interface PairHeap {
  readonly size: number;
  readonly topCount: number;
  readonly topKey: number;
  push(count: number, key: number): void;
  /** Removes the top entry. */
  pop(): void;
}

/** Builds a {@link PairHeap} from the initial pair counts in O(n) (Floyd's heapify). */
export function createPairHeap(initial: ReadonlyMap<number, number>): PairHeap {
  let capacity = Math.max(16, initial.size * 2);
  let counts = new Float64Array(capacity);
  let keys = new Uint32Array(capacity);
  let size = 0;
  for (const [key, count] of initial) {
    counts[size] = count;
    keys[size++] = key;
  }
  /** Whether entry i should come out before entry j. */
  const before = (i: number, j: number): boolean =>
    counts[i]! > counts[j]! || (counts[i] === counts[j] && keys[i]! < keys[j]!);
  const swap = (i: number, j: number): void => {
    const count = counts[i]!;
    counts[i] = counts[j]!;
    counts[j] = count;
    const key = keys[i]!;
    keys[i] = keys[j]!;
    keys[j] = key;
  };
  const siftDown = (start: number): void => {
    for (let i = start; ;) {
      const left = 2 * i + 1;
      if (left >= size) return;
      const child = left + 1 < size && before(left + 1, left) ? left + 1 : left;
      if (!before(child, i)) return;
      swap(i, child);
      i = child;
    }
  };
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i);
  return {
    get size() {
      return size;
    },
    get topCount() {
      return counts[0]!;
    },
    get topKey() {
      return keys[0]!;
    },
    push(count, key) {
      if (size === capacity) {
        capacity *= 2;
        const grownCounts = new Float64Array(capacity);
        grownCounts.set(counts);
        counts = grownCounts;
        const grownKeys = new Uint32Array(capacity);
        grownKeys.set(keys);
        keys = grownKeys;
      }
      counts[size] = count;
      keys[size] = key;
      for (let i = size++; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!before(i, parent)) break;
        swap(i, parent);
        i = parent;
      }
    },
    pop() {
      size--;
      counts[0] = counts[size]!;
      keys[0] = keys[size]!;
      siftDown(0);
    },
  };
}
