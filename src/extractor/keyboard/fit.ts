/** Robust small fits used by the locator. Pure. */

export interface Line {
  /** y = c + d * x (or x = c + d * y for an axis line; the caller knows which). */
  c: number;
  d: number;
  /** Points kept after outlier rejection. */
  inliers: number;
  /** RMS residual of the inliers. */
  rms: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function lsq(x: readonly number[], y: readonly number[], keep: readonly boolean[]): { c: number; d: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!keep[i]) continue;
    n++;
    sx += x[i]!;
    sy += y[i]!;
    sxx += x[i]! * x[i]!;
    sxy += x[i]! * y[i]!;
  }
  const den = n * sxx - sx * sx;
  if (n === 0) return { c: NaN, d: 0 };
  if (Math.abs(den) < 1e-9) return { c: sy / n, d: 0 };
  const d = (n * sxy - sx * sy) / den;
  return { c: (sy - d * sx) / n, d };
}

/**
 * Robust line y = c + d x: Theil-Sen start (median of pairwise slopes, subsampled), then least squares on the points
 * within max(minTol, 3 * 1.48 * MAD) of the line, twice.
 */
export function robustLine(x: readonly number[], y: readonly number[], minTol = 1.5): Line {
  const n = x.length;
  if (n === 0) return { c: NaN, d: 0, inliers: 0, rms: NaN };
  if (n === 1) return { c: y[0]!, d: 0, inliers: 1, rms: 0 };
  const slopes: number[] = [];
  const step = Math.max(1, Math.floor((n * n) / 20000));
  let k = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (k++ % step !== 0) continue;
      const dx = x[j]! - x[i]!;
      if (Math.abs(dx) > 1e-9) slopes.push((y[j]! - y[i]!) / dx);
    }
  let d = slopes.length ? median(slopes) : 0;
  let c = median(y.map((yy, i) => yy - d * x[i]!));
  let keep = new Array<boolean>(n).fill(true);
  for (let it = 0; it < 3; it++) {
    const r = y.map((yy, i) => Math.abs(yy - c - d * x[i]!));
    const tol = Math.max(minTol, 3 * 1.4826 * median(r));
    keep = r.map((v) => v <= tol);
    const f = lsq(x, y, keep);
    if (!Number.isFinite(f.c)) break;
    c = f.c;
    d = f.d;
  }
  let ss = 0;
  let m = 0;
  for (let i = 0; i < n; i++)
    if (keep[i]) {
      const e = y[i]! - c - d * x[i]!;
      ss += e * e;
      m++;
    }
  return { c, d, inliers: m, rms: Math.sqrt(ss / Math.max(1, m)) };
}
