/**
 * Entropic-overload bins (paper-reference §6.4–6.5): the share of heads whose entropy falls in
 * [0, Max/4), [Max/4, Max/2), [Max/2, 3Max/4), [3Max/4, Max], where Max is the largest head entropy
 * over ALL the models being compared (only that choice reproduces every bar of Figure 2a).
 * Pure numbers, no TF.js, so `@normfree/plot` and `@normfree/entropy` share it.
 */

/** Bin labels as the paper prints them. */
export const overloadBinLabels = ['[0, Max/4)', '[Max/4, Max/2)', '[Max/2, 3Max/4)', '[3Max/4, Max]'] as const;

export interface OverloadBins {
  /** Max used for the bin edges: the largest finite head entropy over all matrices. */
  readonly max: number;
  /** Per model, the percentage (0–100) of its heads in each of the four bins. */
  readonly percentages: readonly (readonly [number, number, number, number])[];
  /** Per model, the number of heads in each bin. */
  readonly counts: readonly (readonly [number, number, number, number])[];
}

/**
 * Bin several models' head-entropy matrices ([layer][head], nats) with one shared Max.
 * Bins are half-open except the last; non-finite entries are not counted.
 * @param options.max - override Max (e.g. ln(T!)/T); default: the largest entry over all matrices.
 */
export function overloadBins(
  matrices: readonly (readonly (readonly number[])[])[],
  options: { max?: number } = {},
): OverloadBins {
  if (matrices.length === 0) throw new RangeError('overloadBins needs at least one head-entropy matrix');
  const finite = matrices.flatMap((matrix) => matrix.flat().filter(Number.isFinite));
  const max = options.max ?? Math.max(...finite);
  if (!(max > 0)) throw new RangeError(`overloadBins: Max must be positive, got ${max}`);
  const counts = matrices.map((matrix) => {
    const bins: [number, number, number, number] = [0, 0, 0, 0];
    for (const value of matrix.flat()) {
      if (!Number.isFinite(value)) continue;
      const index = Math.min(3, Math.max(0, Math.floor((value / max) * 4)));
      bins[index as 0 | 1 | 2 | 3] += 1;
    }
    return bins;
  });
  const percentages = counts.map((bins) => {
    const total = bins[0] + bins[1] + bins[2] + bins[3];
    return bins.map((count) => (total === 0 ? 0 : (100 * count) / total)) as [number, number, number, number];
  });
  return { max, percentages, counts };
}

/** Mean over heads of each layer of a [layer][head] matrix (paper-reference §6.6). */
export function layerMeans(matrix: readonly (readonly number[])[]): number[] {
  return matrix.map((row) => row.reduce((sum, value) => sum + value, 0) / row.length);
}

/**
 * Largest possible mean entropy of a causal head over T query positions: mean over i = 1..T of ln i,
 * i.e. ln(T!)/T (3.878 at T = 128; paper-reference §6.3).
 */
export function maxCausalEntropy(seqLen: number): number {
  let sum = 0;
  for (let i = 1; i <= seqLen; i++) sum += Math.log(i);
  return sum / seqLen;
}
