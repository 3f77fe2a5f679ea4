/**
 * Rectification: the model's keyboard strip (e.g. 900x100, x across the whole 88-key keyboard, y back -> front)
 * sampled bilinearly from a source frame through the locator's homography. The sampling map is computed once per
 * video; each frame then costs width*height bilinear lookups. Pure.
 *
 * Strip pixel (i, j) has its centre at u = (i + 0.5) / width, v = (j + 0.5) / height. Source pixel (x, y) covers
 * [x, x+1) x [y, y+1). Strip pixels whose source falls outside the frame, or outside the visible key range, are 0.
 */
import { keySpan } from '../core/keyboard-geometry';
import type { GrayFrame } from './locator-types';

export interface StripGeometry {
  /** 3x3 row-major homography: strip (u, v) in [0,1]^2 -> source pixel (x, y). */
  readonly homography: readonly number[];
  readonly lowestMidi: number;
  readonly highestMidi: number;
}

export interface StripMap {
  readonly width: number;
  readonly height: number;
  /** The part of the source frame the strip reads: x, y, w, h (integers). Stream frames cropped to it. */
  readonly crop: readonly [number, number, number, number];
  /** Per strip pixel: index of the top-left neighbour in the cropped frame, or -1 (black). */
  readonly i00: Int32Array;
  /** Step to the right / down neighbour (0 at the frame's edge). */
  readonly dx: Uint8Array;
  readonly dy: Int32Array;
  /** Bilinear weights of the right / lower neighbours. */
  readonly wx: Float32Array;
  readonly wy: Float32Array;
}

export function applyHomography(h: readonly number[], u: number, v: number): [number, number] {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, k = 0, l = 1] = h;
  const w = g * u + k * v + l;
  return [(a * u + b * v + c) / w, (d * u + e * v + f) / w];
}

/** Builds the sampling map for frames of `frameWidth` x `frameHeight`. */
export function buildStripMap(geo: StripGeometry, frameWidth: number, frameHeight: number, size: { width: number; height: number } = { width: 900, height: 100 }): StripMap {
  const { width, height } = size;
  const n = width * height;
  const uLo = keySpan(geo.lowestMidi).x0;
  const uHi = keySpan(geo.highestMidi).x1;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  const valid = new Uint8Array(n);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let j = 0; j < height; j++) {
    const v = (j + 0.5) / height;
    for (let i = 0; i < width; i++) {
      const u = (i + 0.5) / width;
      const p = j * width + i;
      if (u < uLo || u > uHi) continue;
      const [x, y] = applyHomography(geo.homography, u, v);
      // continuous pixel coordinates -> sample index space (pixel centres at integers)
      const sx = x - 0.5;
      const sy = y - 0.5;
      if (!(sx >= -0.5 && sy >= -0.5 && sx < frameWidth - 0.5 && sy < frameHeight - 0.5)) continue;
      valid[p] = 1;
      xs[p] = Math.min(frameWidth - 1, Math.max(0, sx));
      ys[p] = Math.min(frameHeight - 1, Math.max(0, sy));
      minX = Math.min(minX, xs[p]);
      minY = Math.min(minY, ys[p]);
      maxX = Math.max(maxX, xs[p]);
      maxY = Math.max(maxY, ys[p]);
    }
  }
  let crop: [number, number, number, number];
  if (minX === Infinity) crop = [0, 0, Math.min(frameWidth, 2), Math.min(frameHeight, 2)];
  else {
    // even-sized crop (some pixel formats want it), inside the frame
    const x0 = Math.max(0, Math.floor(minX) - 1);
    const y0 = Math.max(0, Math.floor(minY) - 1);
    let w = Math.min(frameWidth, Math.floor(maxX) + 3) - x0;
    let h = Math.min(frameHeight, Math.floor(maxY) + 3) - y0;
    w = Math.max(2, w - (w % 2));
    h = Math.max(2, h - (h % 2));
    crop = [x0, y0, w, h];
  }
  const [cx, cy, cw, ch] = crop;
  const i00 = new Int32Array(n).fill(-1);
  const dx = new Uint8Array(n);
  const dy = new Int32Array(n);
  const wx = new Float32Array(n);
  const wy = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    if (!valid[p]) continue;
    const x = Math.min(cw - 1, Math.max(0, (xs[p] ?? 0) - cx));
    const y = Math.min(ch - 1, Math.max(0, (ys[p] ?? 0) - cy));
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    i00[p] = y0 * cw + x0;
    dx[p] = x0 + 1 < cw ? 1 : 0;
    dy[p] = y0 + 1 < ch ? cw : 0;
    wx[p] = x - x0;
    wy[p] = y - y0;
  }
  return { width, height, crop, i00, dx, dy, wx, wy };
}

/**
 * Keys the camera sees through this map: a key counts as visible when under half of its column span in the strip is
 * black (outside the frame or the visible key range). The training's `visible_keys` (video2roll/data.py) uses the
 * same rule on rendered strips; the extractor zeroes the others, whose probabilities a model trained without loss
 * on them (--mask-invisible) never learned to keep low.
 */
export function visibleKeys(map: StripMap, lowestMidi = 21, keys = 88): boolean[] {
  const out: boolean[] = [];
  for (let k = 0; k < keys; k++) {
    const span = keySpan(lowestMidi + k);
    const a = Math.floor(span.x0 * map.width);
    const b = Math.max(a + 1, Math.floor(span.x1 * map.width));
    let black = 0;
    for (let j = 0; j < map.height; j++) for (let i = a; i < b; i++) if ((map.i00[j * map.width + i] ?? -1) < 0) black++;
    out.push(black / ((b - a) * map.height) < 0.5);
  }
  return out;
}

/** Samples one strip (row-major uint8, width*height) from a frame cropped to `map.crop`. */
export function rectify(frame: GrayFrame, map: StripMap, out: Uint8Array = new Uint8Array(map.width * map.height)): Uint8Array {
  const src = frame.data;
  const { i00, dx, dy, wx, wy } = map;
  for (let p = 0; p < out.length; p++) {
    const i = i00[p]!;
    if (i < 0) {
      out[p] = 0;
      continue;
    }
    const ax = wx[p]!;
    const ay = wy[p]!;
    const r = dx[p]!;
    const d = dy[p]!;
    const top = src[i]! + (src[i + r]! - src[i]!) * ax;
    const bottom = src[i + d]! + (src[i + d + r]! - src[i + d]!) * ax;
    out[p] = top + (bottom - top) * ay + 0.5;
  }
  return out;
}
