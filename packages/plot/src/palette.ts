/**
 * Colours, markers and the shared Vega-Lite config of every figure.
 *
 * References:
 * 1. paper-reference §10.2–10.3: matplotlib tab10 (C0 blue SM+LN+G, C1 orange SM+LN+R, C2 green
 *    SM+G, C3 red SM+R); markers o, s, D, ^.
 * 2. paper-reference §10.6: the authors' per-layer NaN colours (plot_layerwise_nan_counts.py:30).
 * 3. toolchain §10.1: resvg draws no text without fonts; every spec names 'DejaVu Sans', the font
 *    the Node renderer bundles.
 */
import { paperConfigurationIds } from '@normfree/core';
import type { Config } from 'vega-lite';

/** matplotlib's tab10 cycle, C0…C9. */
export const tab10 = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** Vega shapes for matplotlib's o, s, D, ^, then more for further configurations. */
export const markerShapes = [
  'circle',
  'square',
  'diamond',
  'triangle-up',
  'triangle-down',
  'cross',
  'triangle-left',
  'triangle-right',
  'wedge',
  'stroke',
] as const;

/** The authors' NaN-figure colours, in layer order (cycled past 12 layers). */
export const nanLayerColors = [
  'teal',
  'red',
  'green',
  'orange',
  'purple',
  'brown',
  'pink',
  'gray',
  'olive',
  'cyan',
  'magenta',
  'blue',
] as const;

/** matplotlib's viridis at 0, 1/8, …, 1 (interpolated linearly in RGB between these stops). */
const viridisStops = [
  '#440154',
  '#472c7a',
  '#3b518b',
  '#2c718e',
  '#21908d',
  '#27ad81',
  '#5cc863',
  '#aadc32',
  '#fde725',
] as const;

/**
 * `n` colours of viridis at linspace(0, 1, n), as the authors' `viridis(np.linspace(0, 1, 12))`
 * (paper-reference §10.5): the first layer dark purple, the last yellow.
 */
export function viridisColors(n: number): string[] {
  const channels = viridisStops.map((hex) =>
    [1, 3, 5].map((offset) => Number.parseInt(hex.slice(offset, offset + 2), 16)),
  );
  return Array.from({ length: n }, (_, index) => {
    const position = n === 1 ? 0 : (index / (n - 1)) * (viridisStops.length - 1);
    const low = Math.floor(position);
    const high = Math.min(low + 1, viridisStops.length - 1);
    const fraction = position - low;
    const rgb = channels[low]!.map((value, channel) =>
      Math.round(value + (channels[high]![channel]! - value) * fraction),
    );
    return `#${rgb.map((value) => value.toString(16).padStart(2, '0')).join('')}`;
  });
}

/** Font family of every text mark; the Node renderer bundles DejaVu Sans. */
export const plotFont = 'DejaVu Sans';

/**
 * Colour and marker for each configuration id: the paper's four keep C0–C3 and o/s/D/^ whatever
 * else is drawn; other configurations take C4, C5, … in the order given.
 * @param configurations - configuration ids in legend order.
 */
export function configurationStyles(configurations: readonly string[]): { color: string; shape: string }[] {
  let next = paperConfigurationIds.length;
  return configurations.map((configuration) => {
    const paper = (paperConfigurationIds as readonly string[]).indexOf(configuration);
    const index = paper >= 0 ? paper : next++;
    return { color: tab10[index % tab10.length]!, shape: markerShapes[index % markerShapes.length]! };
  });
}

/** The Vega-Lite config shared by every figure: DejaVu Sans everywhere, white background. */
export const baseConfig: Config = {
  font: plotFont,
  background: 'white',
  padding: 8,
  view: { stroke: '#cccccc' },
  title: { fontSize: 16, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 13, titleFontWeight: 'normal' },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  header: { labelFontSize: 13, titleFontSize: 13, labelFontWeight: 'bold' },
};

/** Vega-Lite schema URL written into every spec. */
export const vegaLiteSchema = 'https://vega.github.io/schema/vega-lite/v6.json';

/**
 * Axis label expression writing thousands as `2K`, `2.5K` (the authors' `{int(x/1000)}K` ticks,
 * paper-reference §10.5), and smaller values as they are.
 */
export const thousandsLabelExpr =
  "datum.value >= 1000 ? format(datum.value / 1000, '~g') + 'K' : format(datum.value, '~g')";
