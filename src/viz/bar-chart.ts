/**
 * A horizontal bar chart with text labels, drawn on an Image with a built-in 5x7 pixel font (no font files, no
 * canvas). For results figures that must be readable at a glance. Pure.
 */
import { Image, type Rgb } from '../io/png';

// 5x7 glyphs: 7 rows, each a 5-bit number (MSB = leftmost pixel).
const FONT: Record<string, readonly number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14], '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12],
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14], D: [28, 18, 17, 17, 17, 18, 28],
  E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 17, 10, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  ' ': [0, 0, 0, 0, 0, 0, 0], '.': [0, 0, 0, 0, 0, 12, 12], ',': [0, 0, 0, 0, 12, 4, 8], '-': [0, 0, 0, 31, 0, 0, 0],
  '%': [24, 25, 2, 4, 8, 19, 3], '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8], '/': [0, 1, 2, 4, 8, 16, 0],
  ':': [0, 12, 12, 0, 12, 12, 0], '@': [14, 17, 1, 13, 21, 21, 14], '+': [0, 4, 4, 31, 4, 4, 0], '=': [0, 0, 31, 0, 31, 0, 0],
  '_': [0, 0, 0, 0, 0, 0, 31], "'": [4, 4, 8, 0, 0, 0, 0], '?': [14, 17, 1, 2, 4, 0, 4], '#': [10, 10, 31, 10, 31, 10, 10],
};

/** Draws `text` with its top-left corner at (x, y); `scale` pixels per font pixel. Returns the width drawn. */
export function drawText(img: Image, x: number, y: number, text: string, colour: Rgb, scale = 2): number {
  let cx = x;
  for (const ch of text.toUpperCase()) {
    const g = FONT[ch] ?? FONT['?']!;
    for (let row = 0; row < 7; row++) {
      for (let col = 0; col < 5; col++) if ((g[row]! >> (4 - col)) & 1) img.fillRect(cx + col * scale, y + row * scale, scale, scale, colour);
    }
    cx += 6 * scale;
  }
  return cx - x;
}

export function textWidth(text: string, scale = 2): number {
  return text.length * 6 * scale;
}

export interface Bar {
  readonly label: string;
  /** 0..1 */
  readonly value: number;
  /** Groups share a colour (e.g. the metric). */
  readonly group?: string;
}

const PALETTE: readonly Rgb[] = [
  [40, 110, 230],
  [230, 120, 40],
  [60, 160, 80],
  [170, 70, 170],
  [120, 120, 120],
];

/** Horizontal bars with labels on the left and the value (in %) at the bar's end; a legend for the groups. */
export function barChart(title: string, bars: readonly Bar[], opts: { width?: number; scale?: number } = {}): Image {
  const s = opts.scale ?? 2;
  const rowH = 9 * s + 6;
  const labelW = Math.max(...bars.map((b) => textWidth(b.label, s)), 10) + 12;
  const width = Math.max(opts.width ?? 900, labelW + 300);
  const groups = [...new Set(bars.map((b) => b.group ?? ''))];
  const top = 12 + 9 * s + 10;
  const legendH = groups.length > 1 ? rowH : 0;
  const img = new Image(width, top + bars.length * rowH + legendH + 10, [255, 255, 255]);
  drawText(img, 10, 10, title, [0, 0, 0], s);
  const plotW = width - labelW - 90;
  for (let x = 0; x <= 4; x++) img.fillRect(labelW + (plotW * x) / 4, top - 4, 1, bars.length * rowH + 4, [225, 225, 225]);
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const c = PALETTE[groups.indexOf(b.group ?? '') % PALETTE.length]!;
    drawText(img, 8, y + 3, b.label, [30, 30, 30], s);
    const w = Math.max(1, Math.round(plotW * Math.max(0, Math.min(1, b.value))));
    img.fillRect(labelW, y + 1, w, rowH - 4, c);
    drawText(img, labelW + w + 6, y + 3, `${(100 * b.value).toFixed(1)}%`, [30, 30, 30], s);
  });
  if (groups.length > 1) {
    let x = labelW;
    const y = top + bars.length * rowH + 4;
    groups.forEach((g, i) => {
      img.fillRect(x, y + 2, 7 * s, 7 * s, PALETTE[i % PALETTE.length]!);
      x += 9 * s + drawText(img, x + 9 * s, y + 2, g, [30, 30, 30], s) + 16;
    });
  }
  return img;
}
