/** Synthetic top-view keyboard frames drawn from the canonical geometry with a known homography (test helper). */
import { allKeySpans, BLACK_LENGTH, WHITE_WIDTH } from '../../../src/core/keyboard-geometry';
import type { GrayFrame } from '../../../src/extractor/keyboard';
import { applyH, fitHomography, invertH, mulH } from '../../../src/extractor/keyboard/homography';

export interface SynthOptions {
  width: number;
  height: number;
  /** Source pixel positions of the strip corners (u,v) = (0,0), (1,0), (1,1), (0,1). */
  corners: [[number, number], [number, number], [number, number], [number, number]];
  /** Rotation of the whole picture about its centre, degrees. */
  rotateDeg?: number;
  noise?: number;
  seed?: number;
  /** A dark "hand" blob: [x, y, w, h] in pixels. */
  hand?: [number, number, number, number];
}

export function synthHomography(o: SynthOptions): number[] {
  const base = fitHomography(
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ],
    o.corners,
  );
  if (!o.rotateDeg) return base;
  const t = (o.rotateDeg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const cx = o.width / 2;
  const cy = o.height / 2;
  const rot = [c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy, 0, 0, 1];
  return mulH(rot, base);
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % 100000) / 100000;
  };
}

const BLACK_SPANS = allKeySpans().filter((s) => s.black);

function onBlackKey(u: number): boolean {
  for (const s of BLACK_SPANS) if (u >= s.x0 && u < s.x1) return true;
  return false;
}

export function synthFrame(o: SynthOptions): GrayFrame {
  const h = synthHomography(o);
  const inv = invertH(h);
  const data = new Uint8Array(o.width * o.height);
  const rand = rng(o.seed ?? 1);
  // one white key is about this many pixels wide: gap lines about 1 px
  const [xa] = applyH(h, 0.5, 1);
  const [xb] = applyH(h, 0.5 + WHITE_WIDTH, 1);
  const gapU = WHITE_WIDTH * Math.min(0.2, 1.2 / Math.max(1, Math.abs(xb - xa)));
  for (let y = 0; y < o.height; y++)
    for (let x = 0; x < o.width; x++) {
      const [u, v] = applyH(inv, x + 0.5, y + 0.5);
      let val: number;
      if (v < -0.15) val = 140; // piano body / music stand, mid gray
      else if (v < 0) val = 30; // fallboard
      else if (v < 1) {
        if (u < -0.01 || u > 1.01) val = 35; // cheeks
        else if (u < 0 || u > 1) val = 60;
        else {
          if (v < BLACK_LENGTH && onBlackKey(u)) val = 25;
          else {
            const k = Math.round(u / WHITE_WIDTH);
            val = Math.abs(u - k * WHITE_WIDTH) < gapU / 2 ? 150 : 228;
          }
        }
      } else if (v < 1.06) val = 45; // key slip
      else val = 110; // player's side
      if (o.hand) {
        const [hx, hy, hw, hh] = o.hand;
        const dx = (x - hx - hw / 2) / (hw / 2);
        const dy = (y - hy - hh / 2) / (hh / 2);
        if (dx * dx + dy * dy < 1) val = 170;
      }
      val += ((o.noise ?? 0) * (rand() + rand() + rand() - 1.5)) / 0.5;
      data[y * o.width + x] = val < 0 ? 0 : val > 255 ? 255 : (val + 0.5) | 0;
    }
  return { width: o.width, height: o.height, data };
}
