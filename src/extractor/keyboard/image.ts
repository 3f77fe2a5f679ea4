/**
 * Small gray-image helpers for the keyboard locator. Pure.
 * Coordinates are continuous: pixel (i, j) covers [i, i+1) x [j, j+1) and its centre is (i + 0.5, j + 0.5).
 */
import { InputError } from '../../core/errors';
// Math functions bound once: hot loops avoid global lookups (slow in vm contexts such as jest).
const M_abs = Math.abs;
const M_ceil = Math.ceil;
const M_floor = Math.floor;
const M_max = Math.max;
const M_min = Math.min;

/** 8-bit gray frame, row-major. */
export interface GrayFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Float gray image; values 0..255, or -1 where there is no picture (outside the frame after a warp). */
export interface FloatImage {
  width: number;
  height: number;
  data: Float32Array;
}

export function checkFrame(f: GrayFrame, what = 'frame'): void {
  if (!Number.isInteger(f.width) || !Number.isInteger(f.height) || f.width < 8 || f.height < 8)
    throw new InputError(`${what}: expected a gray frame at least 8x8 pixels, got ${f.width}x${f.height}`);
  if (f.data.length !== f.width * f.height)
    throw new InputError(`${what}: expected ${f.width * f.height} bytes (width*height, 8-bit gray), got ${f.data.length}`);
}

/** Integer crop box clipped to the frame: [x, y, w, h]. */
export function clipBox(box: readonly number[], width: number, height: number): [number, number, number, number] {
  const [x = 0, y = 0, w = width, h = height] = box;
  const x0 = M_max(0, M_floor(x));
  const y0 = M_max(0, M_floor(y));
  const x1 = M_min(width, M_ceil(x + w));
  const y1 = M_min(height, M_ceil(y + h));
  if (x1 - x0 < 8 || y1 - y0 < 8)
    throw new InputError(`--crop ${box.join(',')} leaves less than 8x8 pixels of a ${width}x${height} frame`);
  return [x0, y0, x1 - x0, y1 - y0];
}

/**
 * Per-pixel median of the frames inside `box`, area-downscaled by `scale` (>= 1; output pixel i covers input
 * [i*scale, (i+1)*scale)). The median over several frames removes hands that move.
 */
export function medianDownscaled(frames: readonly GrayFrame[], box: readonly [number, number, number, number], scale: number): FloatImage {
  return medianAndRepresentative(frames, box, scale).median;
}

/**
 * The median (see medianDownscaled) and the downscaled frame closest to it (mean absolute difference): a sharp
 * single picture for fine detail that the median blurs when the camera moves a little.
 */
export function medianAndRepresentative(
  frames: readonly GrayFrame[],
  box: readonly [number, number, number, number],
  scale: number,
): { median: FloatImage; representative: FloatImage } {
  const [bx, by, bw, bh] = box;
  const width = M_max(1, M_floor(bw / scale));
  const height = M_max(1, M_floor(bh / scale));
  const small = frames.map((f) => areaDownscale(f, bx, by, width, height, scale));
  const out = new Float32Array(width * height);
  const n = small.length;
  const buf = new Float32Array(n);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < n; k++) buf[k] = small[k]![i]!;
    buf.sort();
    out[i] = n % 2 === 1 ? buf[(n - 1) / 2]! : (buf[n / 2 - 1]! + buf[n / 2]!) / 2;
  }
  let best = 0;
  let bestD = Infinity;
  small.forEach((s, k) => {
    let d = 0;
    for (let i = 0; i < out.length; i += 3) d += M_abs(s[i]! - out[i]!);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  });
  return { median: { width, height, data: out }, representative: { width, height, data: small[best]! } };
}

function areaDownscale(f: GrayFrame, bx: number, by: number, width: number, height: number, scale: number): Float32Array {
  const out = new Float32Array(width * height);
  // Separable box filter with fractional footprints: horizontal pass into rows, then vertical.
  const xw = weights(width, scale, bx, f.width);
  const yw = weights(height, scale, by, f.height);
  const rows = new Float32Array(width);
  for (let j = 0; j < height; j++) {
    const yr = yw[j]!;
    for (let i = 0; i < width; i++) rows[i] = 0;
    let wsum = 0;
    for (let t = 0; t < yr.idx.length; t++) {
      const yy = yr.idx[t]!;
      const wy = yr.w[t]!;
      wsum += wy;
      const base = yy * f.width;
      for (let i = 0; i < width; i++) {
        const xr = xw[i]!;
        let s = 0;
        for (let q = 0; q < xr.idx.length; q++) s += f.data[base + xr.idx[q]!]! * xr.w[q]!;
        rows[i]! += wy * s;
      }
    }
    for (let i = 0; i < width; i++) out[j * width + i] = rows[i]! / wsum;
  }
  return out;
}

function weights(n: number, scale: number, offset: number, limit: number): { idx: number[]; w: number[] }[] {
  const res: { idx: number[]; w: number[] }[] = [];
  for (let i = 0; i < n; i++) {
    const a = offset + i * scale;
    const b = a + scale;
    const idx: number[] = [];
    const w: number[] = [];
    let total = 0;
    for (let p = M_floor(a); p < M_ceil(b) && p < limit; p++) {
      const ww = M_min(b, p + 1) - M_max(a, p);
      if (ww <= 0) continue;
      idx.push(p);
      w.push(ww);
      total += ww;
    }
    res.push({ idx, w: w.map((v) => v / total) });
  }
  return res;
}

/** Bilinear sample at continuous (x, y); -1 outside the image or where a neighbour is -1. */
export function sample(img: FloatImage, x: number, y: number): number {
  const fx = x - 0.5;
  const fy = y - 0.5;
  const x0 = M_floor(fx);
  const y0 = M_floor(fy);
  if (x0 < -1 || y0 < -1 || x0 >= img.width || y0 >= img.height) return -1;
  const ax = fx - x0;
  const ay = fy - y0;
  const xa = M_max(0, x0);
  const xb = M_min(img.width - 1, x0 + 1);
  const ya = M_max(0, y0);
  const yb = M_min(img.height - 1, y0 + 1);
  if ((x0 < 0 && ax < 0.5) || (y0 < 0 && ay < 0.5) || (x0 + 1 >= img.width && ax > 0.5) || (y0 + 1 >= img.height && ay > 0.5)) return -1;
  const d = img.data;
  const p00 = d[ya * img.width + xa]!;
  const p10 = d[ya * img.width + xb]!;
  const p01 = d[yb * img.width + xa]!;
  const p11 = d[yb * img.width + xb]!;
  if (p00 < 0 || p10 < 0 || p01 < 0 || p11 < 0) return -1;
  return (1 - ay) * ((1 - ax) * p00 + ax * p10) + ay * ((1 - ax) * p01 + ax * p11);
}

/** Rotation by `deg` degrees about the image centre, onto a canvas large enough to hold the whole rotated image. */
export interface Rotation {
  /** 3x3 row-major map from input coordinates to rotated-canvas coordinates. */
  forward: number[];
  width: number;
  height: number;
}

export function rotation(width: number, height: number, deg: number): Rotation {
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  const ow = M_ceil(M_abs(width * c) + M_abs(height * s));
  const oh = M_ceil(M_abs(width * s) + M_abs(height * c));
  const cx = width / 2;
  const cy = height / 2;
  // p' = R (p - c) + c'
  const forward = [c, -s, -c * cx + s * cy + ow / 2, s, c, -s * cx - c * cy + oh / 2, 0, 0, 1];
  return { forward, width: ow, height: oh };
}

export function rotate(img: FloatImage, rot: Rotation): FloatImage {
  const [a = 1, b = 0, tx = 0, c = 0, d = 1, ty = 0] = rot.forward;
  // inverse of the 2x2 rotation is its transpose
  const out = new Float32Array(rot.width * rot.height);
  for (let j = 0; j < rot.height; j++) {
    const yy = j + 0.5 - ty;
    for (let i = 0; i < rot.width; i++) {
      const xx = i + 0.5 - tx;
      const x = a * xx + c * yy;
      const y = b * xx + d * yy;
      out[j * rot.width + i] = sample(img, x, y);
    }
  }
  return { width: rot.width, height: rot.height, data: out };
}
