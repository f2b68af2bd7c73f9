/**
 * Vega-Lite spec → SVG (vega's headless renderer) → PNG (resvg with bundled DejaVu fonts).
 *
 * References:
 * 1. toolchain §10.1: `new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' }).toSVG()`;
 *    resvg silently drops all text without fonts.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { plotFont } from '../palette.js';
import { bundledFontFiles } from './fonts.js';
import { useDejaVuTextMetrics } from './text-metrics.js';

/**
 * Render a Vega-Lite spec to an SVG string (no DOM, no canvas; text is laid out with DejaVu Sans
 * advance widths, the font the PNGs are drawn with).
 * @throws Error naming the spec's title when Vega-Lite cannot compile it.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  useDejaVuTextMetrics();
  let vegaSpec: vega.Spec;
  try {
    vegaSpec = compile(spec).spec;
  } catch (error) {
    throw new Error(
      `renderSvg: cannot compile the Vega-Lite spec titled ${JSON.stringify(specTitle(spec))}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface RenderPngOptions {
  /** Pixel density: 2 gives a 2× PNG (default 2). */
  readonly scale?: number;
  /** Font files to draw text with (default: the bundled DejaVu Sans). An empty list draws no text. */
  readonly fontFiles?: readonly string[];
}

/** Raw pixels of a rendered figure. */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per channel, row-major. */
  readonly pixels: Uint8Array;
}

/**
 * Render an SVG string, or a Vega-Lite spec, to PNG bytes with the bundled DejaVu fonts.
 * @throws RangeError for a scale that is not a positive finite number.
 */
export async function renderPng(svgOrSpec: string | TopLevelSpec, options: RenderPngOptions = {}): Promise<Uint8Array> {
  return new Uint8Array((await rasterize(svgOrSpec, options, 'renderPng')).asPng());
}

/**
 * Render an SVG string, or a Vega-Lite spec, to raw RGBA pixels (same fonts and scale as
 * {@link renderPng}); for checks such as "the title area has dark pixels".
 */
export async function renderRaster(
  svgOrSpec: string | TopLevelSpec,
  options: RenderPngOptions = {},
): Promise<RasterImage> {
  const image = await rasterize(svgOrSpec, options, 'renderRaster');
  return { width: image.width, height: image.height, pixels: new Uint8Array(image.pixels) };
}

async function rasterize(svgOrSpec: string | TopLevelSpec, options: RenderPngOptions, caller: string) {
  const scale = options.scale ?? 2;
  if (!(Number.isFinite(scale) && scale > 0))
    throw new RangeError(`${caller}: scale must be a positive number, got ${scale}`);
  const svg = typeof svgOrSpec === 'string' ? svgOrSpec : await renderSvg(svgOrSpec);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      fontFiles: [...(options.fontFiles ?? bundledFontFiles())],
      loadSystemFonts: false,
      defaultFontFamily: plotFont,
      sansSerifFamily: plotFont,
    },
  });
  return resvg.render();
}

function specTitle(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === 'string') return title;
  if (typeof title === 'object' && title !== null && 'text' in title) return String(title.text);
  return '(untitled)';
}
