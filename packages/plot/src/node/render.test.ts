import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { renderPng, renderRaster, renderSvg, type RasterImage } from './render.js';

// A tall title over an empty plot: the only dark pixels in the title band are glyphs.
const titled: TopLevelSpec = {
  title: { text: 'TITLE TEXT MUST BE DRAWN', fontSize: 24 },
  config: { font: 'DejaVu Sans' },
  data: { values: [{ x: 1, y: 1 }] },
  mark: 'point',
  width: 300,
  height: 100,
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
};

/** Pixels darker than mid-grey in the rows [top, bottom) of the image. */
function darkPixels(image: RasterImage, top: number, bottom: number): number {
  let dark = 0;
  for (let row = top; row < Math.min(bottom, image.height); row++) {
    for (let column = 0; column < image.width; column++) {
      const offset = 4 * (row * image.width + column);
      const luminance = (image.pixels[offset]! + image.pixels[offset + 1]! + image.pixels[offset + 2]!) / 3;
      if (image.pixels[offset + 3]! > 0 && luminance < 128) dark += 1;
    }
  }
  return dark;
}

describe('renderSvg', () => {
  it('renders a Vega-Lite spec to SVG with <text> elements in DejaVu Sans', async () => {
    const svg = await renderSvg(titled);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('TITLE TEXT MUST BE DRAWN');
    expect(svg).toMatch(/<text[^>]*font-family="DejaVu Sans"/);
  });

  it('names the spec in the error when Vega-Lite cannot compile it', async () => {
    const broken = { title: 'Broken chart', data: { values: [] }, mark: 'no-such-mark' } as unknown as TopLevelSpec;
    await expect(renderSvg(broken)).rejects.toThrow('"Broken chart"');
  });
});

describe('renderPng', () => {
  it('draws the title text: dark pixels in the title band with the bundled fonts, none without fonts', async () => {
    const withFonts = await renderRaster(titled, { scale: 1 });
    const withoutFonts = await renderRaster(titled, { scale: 1, fontFiles: [] });
    // Title band: the top 40 px (padding + 24 px title).
    expect(darkPixels(withFonts, 0, 40)).toBeGreaterThan(200);
    expect(darkPixels(withoutFonts, 0, 40)).toBe(0);
  });

  it('writes a PNG whose size follows the scale', async () => {
    const svg = await renderSvg(titled);
    const one = await renderRaster(svg, { scale: 1 });
    const two = await renderRaster(svg, { scale: 2 });
    expect(two.width).toBe(2 * one.width);
    const png = await renderPng(svg, { scale: 1 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('rejects a scale that is not positive, naming it', async () => {
    await expect(
      renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', { scale: 0 }),
    ).rejects.toThrow('scale must be a positive number, got 0');
  });
});
