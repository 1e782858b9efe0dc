/**
 * Draws the file-type icons the cards reference (src/cards/icons/<kind>.png, 64×64, a few hundred bytes each).
 * Run after changing a design: `npx tsc -p . && node dist/scripts/generate-card-icons.js`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { FILE_KINDS, type FileKind } from '../src/cards/file-kinds';

type RGB = [number, number, number];
type Shape = (x: number, y: number) => boolean;

const SIZE = 64;
const SAMPLES = 4;

/** 5×7 glyphs for the badge letters. */
const GLYPHS: Record<string, string[]> = {
  W: ['10001', '10001', '10001', '10101', '10101', '11011', '10001'],
  X: ['10001', '10001', '01010', '00100', '01010', '10001', '10001'],
  P: ['11110', '10001', '10001', '11110', '10000', '10000', '10000'],
  N: ['10001', '11001', '10101', '10011', '10001', '10001', '10001'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  F: ['11111', '10000', '10000', '11110', '10000', '10000', '10000'],
  Z: ['11111', '00001', '00010', '00100', '01000', '10000', '11111'],
  I: ['11111', '00100', '00100', '00100', '00100', '00100', '11111'],
  T: ['11111', '00100', '00100', '00100', '00100', '00100', '00100'],
  '<': ['00010', '00100', '01000', '10000', '01000', '00100', '00010'],
  '/': ['00001', '00010', '00010', '00100', '01000', '01000', '10000'],
  '>': ['01000', '00100', '00010', '00001', '00010', '00100', '01000'],
};

const DESIGN: Record<FileKind, { color: RGB; label?: string; mark?: 'image' | 'video' | 'audio' | 'lines' }> = {
  word: { color: [24, 90, 189], label: 'W' },
  excel: { color: [16, 124, 65], label: 'X' },
  powerpoint: { color: [196, 62, 28], label: 'P' },
  onenote: { color: [119, 25, 170], label: 'N' },
  pdf: { color: [200, 30, 30], label: 'PDF' },
  image: { color: [0, 120, 160], mark: 'image' },
  video: { color: [180, 40, 110], mark: 'video' },
  audio: { color: [200, 110, 0], mark: 'audio' },
  archive: { color: [110, 90, 60], label: 'ZIP' },
  code: { color: [70, 70, 90], label: '</>' },
  text: { color: [96, 96, 96], label: 'TXT' },
  folder: { color: [232, 178, 40] },
  generic: { color: [120, 120, 120], mark: 'lines' },
};

const roundRect =
  (x0: number, y0: number, x1: number, y1: number, r: number): Shape =>
  (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const triangle =
  (a: [number, number], b: [number, number], c: [number, number]): Shape =>
  (x, y) => {
    const s = (p: [number, number], q: [number, number]) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
    const d1 = s(a, b),
      d2 = s(b, c),
      d3 = s(c, a);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((f) => f(x, y));
const minus =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && !b(x, y);

function text(label: string, x0: number, y0: number, scale: number): Shape {
  return (x, y) => {
    const col = Math.floor((x - x0) / scale);
    const row = Math.floor((y - y0) / scale);
    if (row < 0 || row >= 7 || col < 0) return false;
    const ch = Math.floor(col / 6);
    const within = col % 6;
    const glyph = GLYPHS[label[ch] ?? ''];
    return Boolean(glyph && within < 5 && glyph[row]?.[within] === '1');
  };
}

/** Layers painted in order: [shape, colour]. */
function layers(kind: FileKind): Array<[Shape, RGB]> {
  const d = DESIGN[kind];
  if (kind === 'folder') {
    return [
      [union(roundRect(6, 12, 28, 22, 3), roundRect(6, 16, 58, 52, 4)), [200, 148, 20]],
      [roundRect(6, 21, 58, 52, 4), d.color],
    ];
  }
  const page = minus(roundRect(16, 4, 56, 60, 3), triangle([44, 3], [57, 3], [57, 16]));
  const out: Array<[Shape, RGB]> = [
    [page, [150, 150, 150]],
    [minus(roundRect(17.5, 5.5, 54.5, 58.5, 2), triangle([42.5, 4], [56, 4], [56, 17.5])), [255, 255, 255]],
    [triangle([44, 4], [44, 16], [56, 16]), [205, 205, 205]],
  ];
  if (d.label) {
    const scale = d.label.length === 1 ? 3 : 2;
    const w = (d.label.length * 6 - 1) * scale;
    const bw = Math.max(w + 10, 28);
    out.push([roundRect(4, 24, 4 + bw, 24 + 7 * scale + 10, 3), d.color]);
    out.push([text(d.label, 4 + (bw - w) / 2, 29, scale), [255, 255, 255]]);
  } else if (d.mark === 'image') {
    out.push([roundRect(22, 24, 50, 50, 2), d.color]);
    out.push([triangle([24, 48], [34, 32], [44, 48]), [255, 255, 255]]);
    out.push([circle(43, 31, 3.5), [255, 230, 120]]);
  } else if (d.mark === 'video') {
    out.push([roundRect(22, 24, 50, 50, 4), d.color]);
    out.push([triangle([31, 30], [31, 44], [43, 37]), [255, 255, 255]]);
  } else if (d.mark === 'audio') {
    out.push([union(circle(30, 46, 5), roundRect(33, 24, 36, 46, 0.5), roundRect(33, 24, 45, 28, 1)), d.color]);
  } else {
    for (const y of [22, 30, 38, 46]) out.push([roundRect(24, y, y === 46 ? 40 : 48, y + 3, 1.5), d.color]);
  }
  return out;
}

/** Rasterizes one icon with 4×4 supersampling (smooth edges without a graphics library). */
export function drawIcon(kind: FileKind): Buffer {
  const png = new PNG({ width: SIZE, height: SIZE, colorType: 6 });
  const ls = layers(kind);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = px + (sx + 0.5) / SAMPLES;
          const y = py + (sy + 0.5) / SAMPLES;
          let hit: RGB | undefined;
          for (const [shape, color] of ls) if (shape(x, y)) hit = color;
          if (hit) {
            r += hit[0];
            g += hit[1];
            b += hit[2];
            a++;
          }
        }
      }
      const i = (py * SIZE + px) * 4;
      png.data[i] = a ? Math.round(r / a) : 0;
      png.data[i + 1] = a ? Math.round(g / a) : 0;
      png.data[i + 2] = a ? Math.round(b / a) : 0;
      png.data[i + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
    }
  }
  return PNG.sync.write(png, { colorType: 6, deflateLevel: 9 });
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', '..', 'src', 'cards', 'icons');
  fs.mkdirSync(dir, { recursive: true });
  for (const kind of FILE_KINDS) {
    const file = path.join(dir, `${kind}.png`);
    fs.writeFileSync(file, drawIcon(kind));
    console.log(`${file} ${fs.statSync(file).size} bytes`);
  }
}
