/**
 * The report's section that sets normfree's `laptop` runs beside the authors' PyTorch code trained at
 * the same size on the same windows: per-seed and mean perplexities, where each run falls in the
 * reference's seed range, and what the spread of the seeds allows one to conclude.
 *
 * References:
 * 1. reference-laptop.ts (the reference numbers and how they were made); paper-reference §8.
 */
import { formatPerplexity } from './perplexity-table.js';
import type { PlotRun } from './plot-run.js';
import {
  compareWithReferenceLaptop,
  type RunAgainstReference,
  type SeedSample,
} from './reference-laptop-comparison.js';
import { referenceLaptop } from './reference-laptop.js';
import type { Block } from './report-block.js';

/**
 * A reference seed range wider than this, in percent of its lower end, is called unstable across
 * seeds: about twice the widest seed-to-seed range of normfree's own `laptop` runs (5.4 %, SM+G
 * 76.09 vs 80.18 for seeds 1337 and 1338 in the repository README; the other three stay within 3 %).
 */
const unstableSpreadPercent = 10;

/** `74.77 (seed 2), 99.58 (seed 1337)`, or `—` for no seed. */
function perSeedCell(sample: SeedSample): string {
  return sample.seeds.length === 0
    ? '—'
    : sample.seeds.map((seed, index) => `${formatPerplexity(sample.perplexities[index]!)} (seed ${seed})`).join(', ');
}

/** `87.17 (74.77–99.58; n = 2)`, `52.72 (n = 1)` or `— (n = 0)`. */
function meanRangeCell(sample: SeedSample): string {
  const n = sample.seeds.length;
  if (n === 0) return '— (n = 0)';
  if (n === 1) return `${formatPerplexity(sample.mean)} (n = 1)`;
  return `${formatPerplexity(sample.mean)} (${formatPerplexity(sample.min, sample.mean)}–${formatPerplexity(sample.max, sample.mean)}; n = ${n})`;
}

function placementText(run: RunAgainstReference): string {
  return run.position === 'inside' ? 'inside' : `${run.position} by ${run.percentOutside.toFixed(1)} %`;
}

/** `2 of 2`, or `0 of 2 (1.4–1.9 % above)`: how many of a configuration's runs are inside, and how far off the others are. */
function insideCount(runs: readonly RunAgainstReference[]): string {
  const inside = runs.filter((run) => run.position === 'inside').length;
  const outside = (['above', 'below'] as const).flatMap((position) => {
    const percents = runs.filter((run) => run.position === position).map((run) => run.percentOutside);
    if (percents.length === 0) return [];
    const low = Math.min(...percents).toFixed(1);
    const high = Math.max(...percents).toFixed(1);
    return [`${low === high ? low : `${low}–${high}`} % ${position}`];
  });
  return `${inside} of ${runs.length}${outside.length === 0 ? '' : ` (${outside.join(', ')})`}`;
}

/** Spread of a sample as percent of its lower end: 100·(max − min)/min. */
function spreadPercent(sample: SeedSample): number {
  return (100 * (sample.max - sample.min)) / sample.min;
}

/** The `laptop` preset's comparison with the authors' code trained on the same windows (reference-laptop.ts). */
export function laptopSection(runs: readonly PlotRun[]): Block[] {
  const { rows, leftOut } = compareWithReferenceLaptop(runs);
  const { data, model, training } = referenceLaptop;
  const count = (value: number) => value.toLocaleString('en-US');
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: "The `laptop` preset against the authors' code" },
    {
      kind: 'paragraph',
      text:
        `The authors' PyTorch model code, trained at this preset's size (${model.nLayer} layers × ` +
        `${model.nHead} heads × d ${model.nEmbd}, T = ${model.blockSize}, batch ${training.batchSize}, ` +
        `${count(training.steps)} steps) on exactly the windows normfree trains and evaluates on: the embedded ` +
        `corpus with its ${data.vocabSize}-token BPE, ${count(data.trainWindows)} train and ` +
        `${count(data.validationWindows)} validation windows (validation SHA-256 ` +
        `\`${data.validationSha256.slice(0, 12)}…\`; \`${referenceLaptop.source}\`, ${referenceLaptop.runtime}). ` +
        `Both sides give the final perplexity on all ${count(data.validationWindows)} validation windows.`,
    },
    {
      kind: 'paragraph',
      text:
        'Seeds with equal numbers do **not** share init weights, batch order or dropout masks (the two codes ' +
        "draw them from different generators): compare each configuration's two columns as samples, not seed " +
        'against seed. Spread is the min–max range over seeds; n is the number of seeds on each side.',
    },
    {
      kind: 'table',
      table: {
        columns: [
          { header: 'Model' },
          { header: 'PyTorch reference, per seed', align: 'right' },
          { header: 'Reference mean (min–max; n)', align: 'right' },
          { header: 'Ours, per seed', align: 'right' },
          { header: 'Ours mean (min–max; n)', align: 'right' },
          { header: 'Ours against the reference range' },
        ],
        rows: rows.map((row) => [
          row.label,
          perSeedCell(row.reference),
          meanRangeCell(row.reference),
          perSeedCell(row.ours),
          meanRangeCell(row.ours),
          row.runs.length === 0 ? '—' : row.runs.map((run) => `seed ${run.seed}: ${placementText(run)}`).join('; '),
        ]),
      },
    },
  ];

  // What the numbers show, computed from them.
  const placed = rows.flatMap((row) => row.runs.map((run) => ({ row, run })));
  const findings: string[] = [];
  if (placed.length === 0) {
    findings.push('None of our runs of these configurations can be compared with the reference.');
  } else {
    const inside = placed.filter(({ run }) => run.position === 'inside').length;
    const perConfiguration = rows
      .filter((row) => row.runs.length > 0)
      .map((row) => `${row.label} ${insideCount(row.runs)}`);
    findings.push(
      `${inside} of our ${placed.length} run${placed.length === 1 ? '' : 's'} ${placed.length === 1 ? 'falls' : 'fall'} inside the reference's min–max range: ${perConfiguration.join(', ')}.`,
    );
    const singleSeed = rows.filter((row) => row.reference.seeds.length === 1 && row.runs.length > 0);
    if (singleSeed.length > 0) {
      findings.push(
        `${singleSeed.map((row) => row.label).join(', ')} ${singleSeed.length === 1 ? 'has' : 'have'} one reference seed, so ${singleSeed.length === 1 ? 'its' : 'their'} range is a single value: a run can only be above or below it, by the percentage shown, and the reference says nothing about ${singleSeed.length === 1 ? "that configuration's" : 'their'} seed-to-seed spread.`,
      );
    }
  }
  const multiSeed = rows.filter((row) => row.reference.seeds.length > 1);
  if (multiSeed.length > 0) {
    const widest = multiSeed.reduce((a, b) => (spreadPercent(b.reference) > spreadPercent(a.reference) ? b : a));
    const spread = spreadPercent(widest.reference);
    const name = `${widest.label}${widest.description === undefined ? '' : ` (${widest.description})`}`;
    const ours =
      widest.ours.seeds.length > 1
        ? ` Our ${widest.ours.seeds.length} seeds of it span ${formatPerplexity(widest.ours.min)}–${formatPerplexity(widest.ours.max)} (${spreadPercent(widest.ours).toFixed(1)} %).`
        : '';
    findings.push(
      spread > unstableSpreadPercent
        ? `In the reference, ${name} is unstable across seeds: its ${widest.reference.seeds.length} seeds span ${formatPerplexity(widest.reference.min)}–${formatPerplexity(widest.reference.max)}, ${spread.toFixed(1)} % of the lower value (this report calls more than ${unstableSpreadPercent} % unstable), so one seed of it says little.${ours}`
        : `In the reference, ${name} varies most across seeds: its ${widest.reference.seeds.length} seeds span ${formatPerplexity(widest.reference.min)}–${formatPerplexity(widest.reference.max)} (${spread.toFixed(1)} %).${ours}`,
    );
  }
  const ranked = (side: 'ours' | 'reference') =>
    rows
      .filter((row) => row[side].seeds.length > 0)
      .sort((a, b) => a[side].mean - b[side].mean)
      .map((row) => row.label);
  const ourOrder = ranked('ours');
  const referenceOrder = ranked('reference');
  if (ourOrder.length > 1) {
    const comparable = ourOrder.length === referenceOrder.length;
    const same = comparable && ourOrder.every((label, index) => label === referenceOrder[index]);
    findings.push(
      `Ranking by mean perplexity: ours ${ourOrder.join(' < ')}; reference ${referenceOrder.join(' < ')}${comparable ? ` (${same ? 'the same order' : 'a different order'})` : ''}.`,
    );
  }
  if (leftOut.length > 0) {
    findings.push(
      `Left out of this comparison: ${leftOut.map((run) => `${run.label} seed ${run.seed} (${run.reason})`).join('; ')}.`,
    );
  }
  blocks.push({ kind: 'list', items: findings });
  return blocks;
}
