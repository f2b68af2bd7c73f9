/**
 * The entropic-overload bins and layer means, re-exported from `@normfree/core` (where they are pure
 * numbers, shared with `@normfree/plot`), so entropy users find them here.
 *
 * `overloadBins(matrices)` takes SEVERAL models' [layer][head] matrices and uses one Max for all:
 * the largest head entropy over the compared models (paper-reference §6.4–6.5; ≈ 3.87 for the
 * paper's Figure 1, not ln 128). `layerMeans(matrix)` is the mean over heads per layer (§6.6).
 */
export { overloadBins, overloadBinLabels, layerMeans, maxCausalEntropy } from '@normfree/core';
export type { OverloadBins } from '@normfree/core';
