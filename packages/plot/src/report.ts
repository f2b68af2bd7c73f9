/**
 * The experiment report: our numbers next to the paper's, plain verdicts on its orderings, warnings
 * (inconclusive preset, diverged runs, incomparable absolute perplexities), the figures and the
 * caller's own sections, as `report.md` (figures referenced as PNG files) and a self-contained
 * `report.html` (SVGs inlined). Pure: it formats what it is given and reads nothing. Every block is
 * rendered once to Markdown and once to HTML from the same data, so callers never patch either text.
 *
 * References:
 * 1. paper-reference §8 (Table 2, 8.2 %, 58 % vs 23 %), §1 (claims).
 * 2. reference-laptop.ts: the authors' PyTorch code trained at the `laptop` size on our own windows.
 */
import type { ExperimentManifest } from '@normfree/core';
import { escapeHtml, inlineMarkdownToHtml } from './html.js';
import { comparePaper, type Finding, type PaperComparison } from './paper-comparison.js';
import { paperHeadlinePercent, paperTopBinPercent } from './paper-numbers.js';
import { perplexityReportTable } from './perplexity-table.js';
import { sortRuns, type PlotRun } from './plot-run.js';
import { referenceLaptopMismatch } from './reference-laptop-comparison.js';
import type { Block, ReportFigure } from './report-block.js';
import { laptopSection } from './report-laptop-section.js';
import { htmlTable, markdownTable, type ReportTable } from './report-table.js';

/** What the report needs to know about the preset (core's `Preset` fits). */
export interface ReportPreset {
  readonly name: string;
  readonly conclusive: boolean;
  readonly description: string;
}

/**
 * A caller's own section, drawn after the report's sections in both report.md and report.html
 * (e.g. the experiment's "Runs" status table). `text` and table cells may use `**bold**`,
 * `` `code` `` and `*emphasis*`; blank lines in `text` separate paragraphs.
 */
export interface ReportSection {
  readonly title: string;
  readonly text?: string;
  readonly table?: ReportTable;
}

/**
 * The experiment's manifest: core's, plus the `overrides` object that experiment.json carries (absent
 * means none). Overrides decide whether a `laptop` experiment may stand beside the PyTorch reference.
 */
export interface ReportManifest extends ExperimentManifest {
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** The token store the runs read (experiment.json's `data`); absent for the embedded corpus. */
  readonly data?: { readonly store: string; readonly manifestSha256: string };
}

export interface ReportInput {
  readonly runs: readonly PlotRun[];
  readonly manifest?: ReportManifest;
  readonly preset?: ReportPreset;
  readonly figures: readonly ReportFigure[];
  /** Report title (default "normfree: ReLU's Revival reproduction report"). */
  readonly title?: string;
  /** Extra sections, in this order, after the report's own (default none). */
  readonly sections?: readonly ReportSection[];
}

export type { ReportFigure } from './report-block.js';

export interface Report {
  readonly markdown: string;
  readonly html: string;
  /** The verdicts and numbers the text was built from. */
  readonly comparison: PaperComparison;
}

/**
 * Build report.md and report.html from runs and already rendered figures.
 * @example
 * const { markdown, html } = buildReport({ runs, preset: getPreset('laptop'), figures: [] });
 */
export function buildReport(input: ReportInput): Report {
  const runs = sortRuns(input.runs);
  const comparison = comparePaper(runs);
  const presetName = input.preset?.name ?? input.manifest?.preset;
  const blocks: Block[] = [];

  blocks.push({ kind: 'heading', level: 1, text: input.title ?? "normfree: ReLU's Revival reproduction report" });
  blocks.push({ kind: 'paragraph', text: describeExperiment(input, runs) });

  // 1. Warnings first, so nobody reads the verdicts without them.
  const warnings: string[] = [];
  if (input.preset !== undefined && !input.preset.conclusive) {
    warnings.push(
      `**Preset \`${input.preset.name}\` is marked not conclusive** (${input.preset.description}): it is too small for the paper's effect to show reliably, so the verdicts below are no evidence for or against the paper.`,
    );
  }
  for (const run of runs.filter((entry) => entry.status === 'diverged' || entry.diverged !== undefined)) {
    const where = run.diverged === undefined ? '' : ` at step ${run.diverged.step} (${run.diverged.reason})`;
    warnings.push(
      `**${run.label} (seed ${run.seed}) diverged**${where}; its perplexity is left out of the table and the verdicts.`,
    );
  }
  for (const run of runs.filter((entry) => entry.status === 'running' || entry.status === 'stopped')) {
    warnings.push(
      `${run.label} (seed ${run.seed}) is ${run.status === 'running' ? 'still running or was interrupted' : 'stopped early'}; its numbers are not final.`,
    );
  }
  warnings.push(
    "Absolute perplexities are **not comparable** with the paper's: a different tokenizer, corpus and model/data scale. Compare the orderings and relative changes (+Δ%) only.",
  );
  const laptopMismatch = presetName === 'laptop' ? referenceLaptopMismatch(input.manifest) : undefined;
  const laptopReferenceApplies = presetName === 'laptop' && laptopMismatch === undefined;
  if (laptopMismatch !== undefined) {
    warnings.push(`No comparison with the authors' PyTorch code at the \`laptop\` preset: ${laptopMismatch}.`);
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Read this first' });
  blocks.push({ kind: 'list', items: warnings });

  // 2. The verdicts.
  blocks.push({ kind: 'heading', level: 2, text: "Did the paper's ordering hold at this scale?" });
  const verdicts: [string, Finding][] = [
    ['(1) LN-free ReLU beats LN-free GELU (PPL SM+R < SM+G)', comparison.reluBeatsGelu],
    [
      '(2) LN-free GELU has more heads in the top entropy bin than LN-free ReLU (entropic overload)',
      comparison.entropicOverload,
    ],
    ['(3) The LayerNorm baselines beat both LN-free models', comparison.baselinesBeatNormFree],
  ];
  blocks.push({
    kind: 'list',
    items: verdicts.map(
      ([claim, finding]) => `${claim}: **${finding.status.toUpperCase()}**. ${capitalize(finding.detail)}.`,
    ),
  });
  blocks.push({
    kind: 'paragraph',
    text: summarizeVerdicts(
      verdicts.map(([, finding]) => finding),
      input.preset,
    ),
  });

  // 3. Table 2 next to the paper's.
  blocks.push({ kind: 'heading', level: 2, text: 'Table 2: evaluation perplexity' });
  blocks.push({ kind: 'table', table: perplexityReportTable(comparison.table) });
  const multiSeed = comparison.table.rows.some((row) => row.perplexities.length > 1);
  blocks.push({
    kind: 'paragraph',
    text: `PPL = exp(eval loss). +Δ% = 100·(PPL − PPL_base)/PPL_base from unrounded values${multiSeed ? '; with several seeds the cell is mean ± sample standard deviation (min–max) and +Δ% compares means' : ''}. Paper columns: Table 2, GPT-2 (T = 128).`,
  });

  // 4. Headline numbers side by side.
  blocks.push({ kind: 'heading', level: 2, text: 'Headline numbers' });
  const headlineRows: string[][] = [
    [
      'LN-free ReLU over GELU: (PPL_SM+G − PPL_SM+R)/PPL_SM+G',
      comparison.headlinePercent === undefined ? 'n/a' : `${comparison.headlinePercent.toFixed(1)} %`,
      `${paperHeadlinePercent.toFixed(1)} %`,
    ],
    ['SM+G heads in [3Max/4, Max]', percentOrNa(comparison.topBinPercent['sm-g']), `${paperTopBinPercent['sm-g']} %`],
    ['SM+R heads in [3Max/4, Max]', percentOrNa(comparison.topBinPercent['sm-r']), `${paperTopBinPercent['sm-r']} %`],
    [
      'Max of the bins (largest head entropy over the compared models)',
      comparison.binMax === undefined ? 'n/a' : `${comparison.binMax.toFixed(2)} nats`,
      '3.87 nats',
    ],
  ];
  blocks.push({
    kind: 'table',
    table: {
      columns: [
        { header: 'Quantity' },
        { header: 'Ours', align: 'right' },
        { header: 'Paper (GPT-2)', align: 'right' },
      ],
      rows: headlineRows,
    },
  });

  // 5. A `laptop` experiment run as the preset is (no overrides that change model, data or steps)
  //    has the authors' PyTorch code trained on the same windows beside it.
  if (laptopReferenceApplies) blocks.push(...laptopSection(runs));

  // 6. Figures.
  if (input.figures.length > 0) {
    blocks.push({ kind: 'heading', level: 2, text: 'Figures' });
    for (const figure of input.figures) blocks.push({ kind: 'figure', figure });
  }

  // 7. The caller's sections.
  for (const section of input.sections ?? []) blocks.push(...sectionBlocks(section));

  return {
    markdown: toMarkdown(blocks),
    html: toHtml(blocks, input.title ?? "normfree: ReLU's Revival reproduction report"),
    comparison,
  };
}

function describeExperiment(input: ReportInput, runs: readonly PlotRun[]): string {
  const parts: string[] = [];
  const presetName = input.preset?.name ?? input.manifest?.preset;
  if (presetName !== undefined)
    parts.push(`Preset \`${presetName}\`${input.preset === undefined ? '' : ` (${input.preset.description})`}.`);
  const configurations = [...new Set(runs.map((run) => run.label))];
  const seeds = [...new Set(runs.map((run) => run.seed))];
  parts.push(
    `${runs.length} run${runs.length === 1 ? '' : 's'}: ${configurations.join(', ') || 'none'}; seed${seeds.length === 1 ? '' : 's'} ${seeds.join(', ') || 'none'}.`,
  );
  if (input.manifest !== undefined) {
    parts.push(
      `Corpus ${input.manifest.corpus}, tokenizer ${input.manifest.tokenizer}, created ${input.manifest.createdAt}.`,
    );
    const { data } = input.manifest;
    if (data !== undefined) parts.push(`Token store \`${data.store}\`, manifest SHA-256 \`${data.manifestSha256}\`.`);
  }
  return parts.join(' ');
}

function summarizeVerdicts(findings: readonly Finding[], preset: ReportPreset | undefined): string {
  const tested = findings.filter((finding) => finding.status !== 'not tested');
  const held = tested.filter((finding) => finding.status === 'held').length;
  const caveat = preset !== undefined && !preset.conclusive ? ' (but this preset is not conclusive)' : '';
  if (tested.length === 0) return 'None of the three orderings could be tested with these runs.';
  if (held === tested.length)
    return `**In short: the paper's ordering held** for all ${tested.length} tested ordering${tested.length === 1 ? '' : 's'}${caveat}.`;
  if (held === 0)
    return `**In short: the paper's ordering did not hold**: none of the ${tested.length} tested orderings held${caveat}.`;
  return `**In short: the paper's ordering held only in part**: ${held} of ${tested.length} tested orderings held${caveat}.`;
}

/** A caller's section as blocks; a section with neither text nor table is a caller's mistake. */
function sectionBlocks(section: ReportSection): Block[] {
  if (section.text === undefined && section.table === undefined) {
    throw new RangeError(`report section '${section.title}' has neither text nor a table`);
  }
  const paragraphs = (section.text ?? '')
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '');
  return [
    { kind: 'heading', level: 2, text: section.title },
    ...paragraphs.map((text): Block => ({ kind: 'paragraph', text })),
    ...(section.table === undefined ? [] : [{ kind: 'table', table: section.table } as const]),
  ];
}

function percentOrNa(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(1)} %`;
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

// ---- rendering ------------------------------------------------------------------------------

function toMarkdown(blocks: readonly Block[]): string {
  const out = blocks.map((block) => {
    switch (block.kind) {
      case 'heading':
        return `${'#'.repeat(block.level)} ${block.text}`;
      case 'paragraph':
        return block.text;
      case 'list':
        return block.items.map((item) => `- ${item}`).join('\n');
      case 'table':
        return markdownTable(block.table);
      case 'figure':
        return block.figure.pngFile === undefined
          ? `**${block.figure.title}** (no PNG was rendered)`
          : `**${block.figure.title}**\n\n![${block.figure.title.replaceAll(/[[\]]/g, '')}](${encodeURI(block.figure.pngFile)})`;
    }
  });
  return `${out.join('\n\n')}\n`;
}

const style = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; }
th { background: #f4f4f4; }
figure { margin: 1.5em 0; }
figure svg, figure img { max-width: 100%; height: auto; }
figcaption { font-weight: bold; margin-bottom: 0.4em; }
code { background: #f4f4f4; padding: 0 0.2em; }
`;

function toHtml(blocks: readonly Block[], title: string): string {
  let figureIndex = 0;
  const body = blocks.map((block) => {
    switch (block.kind) {
      case 'heading':
        return `<h${block.level}>${inlineMarkdownToHtml(block.text)}</h${block.level}>`;
      case 'paragraph':
        return `<p>${inlineMarkdownToHtml(block.text)}</p>`;
      case 'list':
        return `<ul>\n${block.items.map((item) => `<li>${inlineMarkdownToHtml(item)}</li>`).join('\n')}\n</ul>`;
      case 'table':
        return htmlTable(block.table);
      case 'figure': {
        const { figure } = block;
        figureIndex += 1;
        const content =
          figure.svg !== undefined
            ? scopeSvgIds(stripXmlDeclaration(figure.svg), `figure${figureIndex}-`)
            : figure.pngFile !== undefined
              ? `<img src="${escapeHtml(encodeURI(figure.pngFile))}" alt="${escapeHtml(figure.title)}">`
              : '<p>(not rendered)</p>';
        return `<figure>\n<figcaption>${inlineMarkdownToHtml(figure.title)}</figcaption>\n${content}\n</figure>`;
      }
    }
  });
  return `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n<style>${style}</style>\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>\n`;
}

/**
 * Prefix every id of an inlined SVG (and the references to it): ids are global in an HTML page, and
 * vega names gradients and clip paths alike in every SVG (`gradient_0`), so without this a second
 * figure would draw with the first one's colour bar.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replaceAll(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replaceAll(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replaceAll(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

function stripXmlDeclaration(svg: string): string {
  return svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
}
