/**
 * The reference numbers a report puts next to ours.
 *
 * References:
 * 1. paper-reference §8, Table 2 (GPT-2, T = 128): eval PPL and +Δ% vs SM+LN+G.
 * 2. paper-reference §1 and §6.5: 58 % of SM+G heads vs 23 % of SM+R heads in [3Max/4, Max].
 *
 * The PyTorch reference a `laptop` run is compared with is not the paper's: it lives in
 * reference-laptop.ts.
 */

/** Table 2's GPT-2 column, by configuration id. */
export const paperTable2Gpt2 = {
  'sm-ln-g': { label: 'SM+LN+G', perplexity: 2.688, deltaPercent: 0 },
  'sm-ln-r': { label: 'SM+LN+R', perplexity: 2.757, deltaPercent: 2.53 },
  'sm-g': { label: 'SM+G', perplexity: 3.197, deltaPercent: 18.92 },
  'sm-r': { label: 'SM+R', perplexity: 2.936, deltaPercent: 9.2 },
} as const satisfies Record<string, { label: string; perplexity: number; deltaPercent: number }>;

/** Percentage of heads in the top bin [3Max/4, Max] (paper text and Figure 2a). */
export const paperTopBinPercent = { 'sm-g': 58, 'sm-r': 23 } as const;

/** The abstract's 8.2 %: (PPL_SM+G − PPL_SM+R) / PPL_SM+G on GPT-2. */
export const paperHeadlinePercent =
  (100 * (paperTable2Gpt2['sm-g'].perplexity - paperTable2Gpt2['sm-r'].perplexity)) /
  paperTable2Gpt2['sm-g'].perplexity;

/** Relative improvement of LN-free ReLU over LN-free GELU, in percent: 100·(G − R)/G. */
export function headlinePercent(perplexityGelu: number, perplexityRelu: number): number {
  return (100 * (perplexityGelu - perplexityRelu)) / perplexityGelu;
}
