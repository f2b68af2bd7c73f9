/**
 * Text widths of DejaVu Sans for vega's layout. Without a canvas, vega estimates every string as
 * 0.8 × fontSize per character, which is up to 40 % too wide for DejaVu Sans: titles and legends
 * then reserve blank space and labels are placed as if longer than they are. The PNGs are drawn by
 * resvg with the bundled DejaVu TTFs, so we give vega those fonts' real advance widths (vega's
 * documented hook: a user-defined `textMetrics.width`, as vl-convert does).
 *
 * The tables hold advance widths in em (advance / unitsPerEm) read from the hmtx tables of
 * DejaVuSans.ttf and DejaVuSans-Bold.ttf (dejavu-fonts-ttf@2.37.3) for the characters below;
 * kerning is ignored; other characters count as 0.6 em.
 */
import * as vega from 'vega';

const characters =
  ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~−Δ·…–—≥≤±×°µ→←’“”';
const regularEm = [
  0.3179, 0.4009, 0.46, 0.8379, 0.6362, 0.9502, 0.7798, 0.2749, 0.3901, 0.3901, 0.5, 0.8379, 0.3179, 0.3608, 0.3179,
  0.3369, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.6362, 0.3369, 0.3369, 0.8379,
  0.8379, 0.8379, 0.5308, 1, 0.6841, 0.686, 0.6982, 0.77, 0.6318, 0.5752, 0.7749, 0.752, 0.2949, 0.2949, 0.6558, 0.5571,
  0.8628, 0.748, 0.7871, 0.603, 0.7871, 0.6948, 0.6348, 0.6108, 0.7319, 0.6841, 0.9888, 0.6851, 0.6108, 0.6851, 0.3901,
  0.3369, 0.3901, 0.8379, 0.5, 0.5, 0.6128, 0.6348, 0.5498, 0.6348, 0.6152, 0.3521, 0.6348, 0.6338, 0.2778, 0.2778,
  0.5791, 0.2778, 0.9741, 0.6338, 0.6118, 0.6348, 0.6348, 0.4111, 0.521, 0.3921, 0.6338, 0.5918, 0.8179, 0.5918, 0.5918,
  0.5249, 0.6362, 0.3369, 0.6362, 0.8379, 0.8379, 0.6841, 0.3179, 1, 0.5, 1, 0.8379, 0.8379, 0.8379, 0.8379, 0.5,
  0.6362, 0.8379, 0.8379, 0.3179, 0.5181, 0.5181,
];
const boldEm = [
  0.3481, 0.4561, 0.521, 0.8379, 0.6958, 1.002, 0.8721, 0.3062, 0.457, 0.457, 0.5229, 0.8379, 0.3799, 0.415, 0.3799,
  0.3652, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.6958, 0.3999, 0.3999, 0.8379,
  0.8379, 0.8379, 0.5801, 1, 0.7739, 0.7622, 0.7339, 0.8301, 0.6831, 0.6831, 0.8208, 0.8369, 0.3721, 0.3721, 0.7749,
  0.6372, 0.9951, 0.8369, 0.8501, 0.7329, 0.8501, 0.77, 0.7202, 0.6821, 0.812, 0.7739, 1.103, 0.771, 0.7241, 0.7251,
  0.457, 0.3652, 0.457, 0.8379, 0.5, 0.5, 0.6748, 0.7158, 0.5928, 0.7158, 0.6782, 0.4351, 0.7158, 0.7119, 0.3428,
  0.3428, 0.665, 0.3428, 1.042, 0.7119, 0.687, 0.7158, 0.7158, 0.4932, 0.5952, 0.478, 0.7119, 0.6519, 0.9238, 0.645,
  0.6519, 0.582, 0.7119, 0.3652, 0.7119, 0.8379, 0.8379, 0.7739, 0.3799, 1, 0.5, 1, 0.8379, 0.8379, 0.8379, 0.8379, 0.5,
  0.7358, 0.8379, 0.8379, 0.3799, 0.6572, 0.6572,
];

const regularWidths = new Map<string, number>();
const boldWidths = new Map<string, number>();
[...characters].forEach((character, index) => {
  regularWidths.set(character, regularEm[index]!);
  boldWidths.set(character, boldEm[index]!);
});

/** Width in px of `text` set in DejaVu Sans at `fontSize` px (bold or regular). */
export function dejaVuTextWidth(text: string, fontSize: number, bold: boolean): number {
  const widths = bold ? boldWidths : regularWidths;
  let em = 0;
  for (const character of text) em += widths.get(character) ?? 0.6;
  return em * fontSize;
}

interface TextItem {
  readonly fontSize?: number | string | null;
  readonly fontWeight?: number | string | null;
}

function isBold(weight: TextItem['fontWeight']): boolean {
  if (weight === undefined || weight === null) return false;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}

let installed = false;

/**
 * Make vega measure text with DejaVu Sans widths (idempotent). Note: this sets vega's global
 * `textMetrics.width`, so it affects every vega view in this process, which is what we want: all
 * our figures are drawn in DejaVu Sans.
 */
export function useDejaVuTextMetrics(): void {
  if (installed) return;
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } })
    .textMetrics;
  metrics.width = (item, text) => {
    const fontSize = item.fontSize === undefined || item.fontSize === null ? 11 : Number(item.fontSize) || 0;
    // vega hands strings, numbers or arrays of lines; String() is what vega's own measure does
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const value = text === undefined || text === null ? '' : String(text).trim();
    return dejaVuTextWidth(value, fontSize, isBold(item.fontWeight));
  };
  installed = true;
}
