/**
 * The DejaVu TTFs bundled with the `dejavu-fonts-ttf` package. resvg draws no text at all without
 * fonts (toolchain §10.1), so every PNG is rendered with these and never with system fonts, which
 * also makes the output the same on every machine.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The font files every PNG is rendered with (regular, bold, oblique, bold oblique DejaVu Sans). */
export function bundledFontFiles(): string[] {
  const folder = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const files = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map(
    (name) => join(folder, name),
  );
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0)
    throw new Error(`bundled fonts not found: ${missing.join(', ')} (is dejavu-fonts-ttf@2.37.3 installed?)`);
  return files;
}
