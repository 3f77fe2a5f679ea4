/**
 * Refinement of a provisional strip->image homography with the thin dark gaps between white keys in front of the
 * black keys. Those gaps lie on the key plane, so they are free of the raised black keys' parallax. Pure.
 */
import { WHITE_WIDTH } from '../../core/keyboard-geometry';
import { applyH, fitHomography, invertH, type Point } from './homography';
import { sample, type FloatImage } from './image';
// Math functions bound once: hot loops avoid global lookups (slow in vm contexts such as jest).
const M_abs = Math.abs;
const M_ceil = Math.ceil;
const M_floor = Math.floor;
const M_hypot = Math.hypot;
const M_max = Math.max;
const M_sqrt = Math.sqrt;

export interface Correspondences {
  uv: Point[];
  xy: Point[];
  weight: number[];
}

/** White-key gap correspondences in the band v in [vFrom, vTo] (image coordinates of `img`). */
export function whiteGapPoints(
  img: FloatImage,
  h: number[],
  opts: { vFrom: number; vTo: number; uLo: number; uHi: number; white: number; dark: number },
): Correspondences {
  const out: Correspondences = { uv: [], xy: [], weight: [] };
  const rows = 5;
  const contrast = opts.white - opts.dark;
  for (let r = 0; r < rows; r++) {
    const v = opts.vFrom + ((opts.vTo - opts.vFrom) * r) / (rows - 1);
    for (let k = 1; k < 52; k++) {
      const u = k * WHITE_WIDTH;
      if (u < opts.uLo + 0.5 * WHITE_WIDTH || u > opts.uHi - 0.5 * WHITE_WIDTH) continue;
      const [x, y] = applyH(h, u, v);
      const [xr] = applyH(h, u + WHITE_WIDTH, v);
      const wpx = M_abs(xr - x);
      if (!(wpx > 4)) continue;
      const half = 0.45 * wpx;
      const n = M_max(8, M_ceil(2 * half * 2));
      const vals: number[] = [];
      for (let i = 0; i <= n; i++) vals.push(sample(img, x - half + (2 * half * i) / n, y));
      if (vals.some((q) => q < 0)) continue;
      let im = 0;
      for (let i = 1; i <= n; i++) if (vals[i]! < vals[im]!) im = i;
      if (im < 2 || im > n - 2) continue;
      const sorted = [...vals].sort((a, b) => a - b);
      const bright = sorted[M_floor(n * 0.7)]!;
      // a gap: a narrow dip in bright key surface (not a hand, not a shadow)
      if (bright < opts.white - 0.3 * contrast) continue;
      if (bright - vals[im]! < 0.06 * contrast) continue;
      const a = vals[im - 1]!;
      const b = vals[im]!;
      const c = vals[im + 1]!;
      const den = a - 2 * b + c;
      const off = den > 1e-6 ? (0.5 * (a - c)) / den : 0;
      out.uv.push([u, v]);
      out.xy.push([x - half + ((im + off) * 2 * half) / n, y]);
      out.weight.push(1);
    }
  }
  return out;
}

/** Weighted fit, then drops points whose residual exceeds `tolPx` and refits (twice). */
export function robustHomography(c: Correspondences, tolPx: number): { h: number[]; rms: number; kept: number } {
  let keep = c.uv.map(() => true);
  let h = fitHomography(c.uv, c.xy, c.weight);
  for (let it = 0; it < 3; it++) {
    const res = c.uv.map(([u, v], i) => {
      const [x, y] = applyH(h, u, v);
      return M_hypot(x - c.xy[i]![0], y - c.xy[i]![1]);
    });
    keep = res.map((r) => r <= tolPx);
    const idx = keep.flatMap((k, i) => (k ? [i] : []));
    if (idx.length < 6) break;
    h = fitHomography(
      idx.map((i) => c.uv[i]!),
      idx.map((i) => c.xy[i]!),
      idx.map((i) => c.weight[i]!),
    );
  }
  let ss = 0;
  let m = 0;
  c.uv.forEach(([u, v], i) => {
    if (!keep[i]) return;
    const [x, y] = applyH(h, u, v);
    ss += (x - c.xy[i]![0]) ** 2 + (y - c.xy[i]![1]) ** 2;
    m++;
  });
  return { h, rms: M_sqrt(ss / M_max(1, m)), kept: m };
}

export { invertH };
