/** 3x3 homographies (row-major number[9]): least-squares DLT fit, application, inverse, composition. Pure. */

export type Mat3 = number[];
export type Point = readonly [number, number];

export function applyH(h: Mat3, x: number, y: number): [number, number] {
  const w = (h[6] ?? 0) * x + (h[7] ?? 0) * y + (h[8] ?? 1);
  return [((h[0] ?? 0) * x + (h[1] ?? 0) * y + (h[2] ?? 0)) / w, ((h[3] ?? 0) * x + (h[4] ?? 0) * y + (h[5] ?? 0)) / w];
}

export function mulH(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += (a[i * 3 + k] ?? 0) * (b[k * 3 + j] ?? 0);
      r[i * 3 + j] = s;
    }
  return normalizeH(r);
}

export function invertH(m: Mat3): Mat3 {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0, i = 0] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (M_abs(det) < 1e-300) throw new RangeError('homography is singular');
  const inv = [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d];
  return normalizeH(inv.map((v) => v / det));
}

export function normalizeH(h: Mat3): Mat3 {
  const s = h[8] ?? 1;
  return M_abs(s) > 1e-12 ? h.map((v) => v / s) : h.slice();
}

/** Solves the n x n system A x = b in place (Gaussian elimination, partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (M_abs(a[r]![c]!) > M_abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    const piv = a[c]![c]!;
    if (M_abs(piv) < 1e-12) throw new RangeError('degenerate point set for the homography fit');
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / piv;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * x[k]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}

function similarity(pts: readonly Point[]): Mat3 {
  let mx = 0;
  let my = 0;
  for (const [x, y] of pts) {
    mx += x;
    my += y;
  }
  mx /= pts.length;
  my /= pts.length;
  let d = 0;
  for (const [x, y] of pts) d += M_hypot(x - mx, y - my);
  const s = Math.SQRT2 / M_max(d / pts.length, 1e-12);
  return [s, 0, -s * mx, 0, s, -s * my, 0, 0, 1];
}

/**
 * Least-squares homography mapping src[i] to dst[i] (>= 4 points, normalised DLT with h33 = 1, linear).
 * Throws RangeError for fewer than 4 points or a degenerate configuration.
 */
// Math functions bound once: hot loops avoid global lookups (slow in vm contexts such as jest).
const M_abs = Math.abs;
const M_hypot = Math.hypot;
const M_max = Math.max;
export function fitHomography(src: readonly Point[], dst: readonly Point[], weights?: readonly number[]): Mat3 {
  if (src.length !== dst.length || src.length < 4) throw new RangeError(`need >= 4 point pairs, got ${src.length}`);
  const ts = similarity(src);
  const td = similarity(dst);
  const ata = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  const atb = new Array<number>(8).fill(0);
  const add = (row: number[], rhs: number, w: number): void => {
    for (let i = 0; i < 8; i++) {
      atb[i]! += w * row[i]! * rhs;
      for (let j = 0; j < 8; j++) ata[i]![j]! += w * row[i]! * row[j]!;
    }
  };
  for (let k = 0; k < src.length; k++) {
    const [x, y] = applyH(ts, src[k]![0], src[k]![1]);
    const [u, v] = applyH(td, dst[k]![0], dst[k]![1]);
    const w = weights?.[k] ?? 1;
    add([x, y, 1, 0, 0, 0, -u * x, -u * y], u, w);
    add([0, 0, 0, x, y, 1, -v * x, -v * y], v, w);
  }
  const h = solve(ata, atb);
  const hn = [...h, 1];
  return mulH(invertH(td), mulH(hn, ts));
}
