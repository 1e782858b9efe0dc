import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';

/**
 * Draws the two app icons Teams requires: a 192×192 full-colour icon and a 32×32 outline icon (white glyph on a
 * transparent background). The glyph is a chain link (two interlocked rings) drawn with signed distance
 * functions and supersampled, so the output is deterministic and needs no image assets.
 * Run `node dist/appPackage/icons.js` to rewrite appPackage/color.png and appPackage/outline.png.
 */

/** Brand colour of the colour icon's background (also the manifest's accentColor). */
export const ACCENT_COLOR = '#0F6CBD';

type Rgb = [number, number, number];

function hexToRgb(hex: string): Rgb {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Distance from (px, py) to a capsule's centre segment along the x axis from ax to bx, minus its radius. */
function capsule(px: number, py: number, ax: number, bx: number, radius: number): number {
  const cx = Math.min(Math.max(px, ax), bx);
  return Math.hypot(px - cx, py) - radius;
}

/**
 * Coverage test for the chain-link glyph in unit coordinates (-1..1 on both axes, y down): two stadium-shaped
 * rings along the rising diagonal joined by a short bar, like a chain. `scale` grows the glyph, `stroke` is the
 * line width, both in glyph units.
 */
function insideGlyph(x: number, y: number, scale: number, stroke: number): boolean {
  // Rotate by 45° so the link runs from bottom-left to top-right.
  const c = Math.SQRT1_2;
  const u = ((x - y) * c) / scale;
  const v = ((x + y) * c) / scale;
  const radius = 0.2;
  const ringA = Math.abs(capsule(u, v, -0.6, -0.3, radius)) - stroke / 2;
  const ringB = Math.abs(capsule(u, v, 0.3, 0.6, radius)) - stroke / 2;
  const bar = capsule(u, v, -0.28, 0.28, stroke / 2);
  return ringA <= 0 || ringB <= 0 || bar <= 0;
}

/** Fraction (0..1) of the pixel (px, py) covered by the glyph, from an n×n grid of samples. */
function coverage(px: number, py: number, dim: number, scale: number, stroke: number, n = 4): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = ((px + (i + 0.5) / n) / dim) * 2 - 1;
      const y = ((py + (j + 0.5) / n) / dim) * 2 - 1;
      if (insideGlyph(x, y, scale, stroke)) hits++;
    }
  }
  return hits / (n * n);
}

/** 192×192 colour icon: white chain link on a full-bleed square in the accent colour. */
export function renderColorIcon(): Buffer {
  const dim = 192;
  const png = new PNG({ width: dim, height: dim });
  const [br, bg, bb] = hexToRgb(ACCENT_COLOR);
  for (let y = 0; y < dim; y++) {
    for (let x = 0; x < dim; x++) {
      const a = coverage(x, y, dim, 0.95, 0.1);
      const i = (y * dim + x) * 4;
      png.data[i] = Math.round(br + (255 - br) * a);
      png.data[i + 1] = Math.round(bg + (255 - bg) * a);
      png.data[i + 2] = Math.round(bb + (255 - bb) * a);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** 32×32 outline icon: white chain link on transparent; every pixel is white, only alpha varies. */
export function renderOutlineIcon(): Buffer {
  const dim = 32;
  const png = new PNG({ width: dim, height: dim });
  for (let y = 0; y < dim; y++) {
    for (let x = 0; x < dim; x++) {
      const a = coverage(x, y, dim, 1.3, 0.1);
      const i = (y * dim + x) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(255 * a);
    }
  }
  return PNG.sync.write(png);
}

/** Writes both icons next to the manifest template. */
export function writeIcons(dir: string): { color: string; outline: string } {
  const color = path.join(dir, 'color.png');
  const outline = path.join(dir, 'outline.png');
  fs.writeFileSync(color, renderColorIcon());
  fs.writeFileSync(outline, renderOutlineIcon());
  return { color, outline };
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', '..', 'appPackage');
  const written = writeIcons(dir);
  console.log(`wrote ${written.color} and ${written.outline}`);
}
