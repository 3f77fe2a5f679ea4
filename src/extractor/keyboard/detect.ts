/**
 * Finding black keys and the keyboard's back and front edges in a (rotated, downscaled) float image. Pure.
 * Black keys are dark runs flanked by bright pixels on both sides, linked across rows into blobs; the keyboard's
 * rows are the ones crossing the most such runs.
 */
import { median, robustLine, type Line } from './fit';
import { rotate, rotation, type FloatImage, type Rotation } from './image';
// Math functions bound once: hot loops avoid global lookups (slow in vm contexts such as jest).
const M_abs = Math.abs;
const M_floor = Math.floor;
const M_max = Math.max;
const M_min = Math.min;

export interface Run {
  x0: number; // first dark pixel index
  x1: number; // one past the last
}

/** 95th percentile of the valid pixels: the white keys' level, about. */
export function brightLevel(img: FloatImage): number {
  const hist = new Uint32Array(256);
  let n = 0;
  for (let i = 0; i < img.data.length; i += 7) {
    const v = img.data[i]!;
    if (v < 0) continue;
    hist[M_min(255, v | 0)]!++;
    n++;
  }
  let acc = 0;
  for (let b = 0; b < 256; b++) {
    acc += hist[b]!;
    if (acc >= 0.95 * n) return b;
  }
  return 255;
}

/**
 * Dark runs flanked by brighter pixels in row y; threshold halfway between the row's 10th and 90th percentiles.
 * Rows whose bright level is below `minBright` (no white keys in them) have none.
 */
export function rowRuns(img: FloatImage, y: number, maxWidth: number, minBright = 0): Run[] {
  const w = img.width;
  const d = img.data;
  const base = y * w;
  const hist = new Uint32Array(64);
  let n = 0;
  for (let i = 0; i < w; i++) {
    const v = d[base + i]!;
    if (v < 0) continue;
    hist[M_min(63, v >> 2)]!++;
    n++;
  }
  if (n < 16) return [];
  const pct = (q: number): number => {
    let acc = 0;
    for (let b = 0; b < 64; b++) {
      acc += hist[b]!;
      if (acc >= q * n) return b * 4 + 2;
    }
    return 254;
  };
  const lo = pct(0.1);
  const hi = pct(0.9);
  // black keys are much darker than white ones (thin gaps between white keys are not)
  if (hi - lo < 60 || lo > 0.55 * hi || hi < minBright) return [];
  const thr = (lo + hi) / 2;
  const runs: Run[] = [];
  let i = 0;
  while (i < w) {
    const v = d[base + i]!;
    if (v >= 0 && v < thr) {
      let j = i;
      while (j < w && d[base + j]! >= 0 && d[base + j]! < thr) j++;
      const left = i > 0 ? d[base + i - 1]! : -1;
      const right = j < w ? d[base + j]! : -1;
      if (left >= thr && right >= thr && j - i >= 2 && j - i <= maxWidth) runs.push({ x0: i, x1: j });
      i = j;
    } else i++;
  }
  if (runs.length < 3) return runs;
  // black keys stand apart: bright key surface at least about half a black key wide between neighbours
  // (noise along an edge makes clusters of short runs with tiny gaps instead)
  const mw = median(runs.map((r) => r.x1 - r.x0));
  const minGap = M_max(2, 0.25 * mw);
  return runs.filter((r, k) => {
    const prev = runs[k - 1];
    const next = runs[k + 1];
    return (!prev || r.x0 - prev.x1 >= minGap) && (!next || next.x0 - r.x1 >= minGap);
  });
}

/** Runs whose width is close to the row's median run width (black keys are all alike). */
function consistentCount(runs: readonly Run[]): number {
  if (runs.length < 3) return runs.length;
  const m = median(runs.map((r) => r.x1 - r.x0));
  return runs.filter((r) => r.x1 - r.x0 >= 0.5 * m && r.x1 - r.x0 <= 1.8 * m).length;
}

/** Score of a rotation: sum over rows of (consistent black runs)^2 — highest when rows run along the keyboard. */
export function angleScore(img: FloatImage, deg: number): number {
  const rot = rotation(img.width, img.height, deg);
  const r = rotate(img, rot);
  const maxW = M_max(4, r.width / 6);
  const minBright = 0.6 * brightLevel(r);
  let s = 0;
  for (let y = 0; y < r.height; y++) {
    const c = consistentCount(rowRuns(r, y, maxW, minBright));
    if (c >= 4) s += c * c;
  }
  return s;
}

export interface Blob {
  top: number;
  bottom: number; // inclusive row indices
  rows: { y: number; xc: number; w: number }[];
  /** Axis x = a + b * y (pixel-centre coordinates). */
  a: number;
  b: number;
  width: number;
}

export interface BlackKeys {
  blobs: Blob[];
  /** Row crossing the most black keys. */
  refRow: number;
}

/** Black-key blobs of a rotated image: runs linked across rows (union-find), kept when alike the keys at the best row. */
export function findBlackKeys(img: FloatImage): BlackKeys | undefined {
  const maxW = M_max(4, img.width / 6);
  const rows: Run[][] = [];
  const minBright = 0.6 * brightLevel(img);
  for (let y = 0; y < img.height; y++) rows.push(rowRuns(img, y, maxW, minBright));
  const counts = rows.map((r) => consistentCount(r));
  // reference row: the middle of the longest stretch of rows crossing nearly as many keys as the best row
  // the typical count of keyboard rows: c maximising c * (rows with at least c), robust to a few noisy rows
  let maxCount = 0;
  let mass = 0;
  const sortedCounts = counts.filter((c) => c > 0).sort((p, q) => q - p);
  sortedCounts.forEach((c, i) => {
    if (c * (i + 1) > mass) {
      mass = c * (i + 1);
      maxCount = c;
    }
  });
  if (maxCount < 4) return undefined;
  let refRow = -1;
  let bestLen = 0;
  for (let y = 0; y < counts.length; ) {
    if (counts[y]! < 0.75 * maxCount) {
      y++;
      continue;
    }
    let e = y;
    let weight = 0;
    while (e < counts.length && counts[e]! >= 0.75 * maxCount) weight += counts[e++]!;
    if (weight > bestLen) {
      bestLen = weight;
      refRow = M_floor((y + e - 1) / 2);
    }
    y = e;
  }
  if (refRow < 0) return undefined;
  // drop runs unlike a black key's width (e.g. a tilted row grazing the fallboard joins several keys)
  const medW = median(rows[refRow]!.map((r) => r.x1 - r.x0));
  for (let y = 0; y < rows.length; y++) rows[y] = rows[y]!.filter((r) => r.x1 - r.x0 <= 1.8 * medW + 1 && r.x1 - r.x0 >= 0.4 * medW);
  // union-find over runs
  const ids: number[][] = [];
  const parent: number[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let y = 0; y < rows.length; y++) {
    ids.push(rows[y]!.map(() => parent.push(parent.length) - 1));
    if (y === 0) continue;
    const prev = rows[y - 1]!;
    const cur = rows[y]!;
    let p = 0;
    for (let q = 0; q < cur.length; q++) {
      const r = cur[q]!;
      while (p < prev.length && prev[p]!.x1 <= r.x0) p++;
      for (let t = p; t < prev.length && prev[t]!.x0 < r.x1; t++) {
        const a = find(ids[y]![q]!);
        const b = find(ids[y - 1]![t]!);
        if (a !== b) parent[a] = b;
      }
    }
  }
  const comps = new Map<number, { y: number; xc: number; w: number }[]>();
  for (let y = 0; y < rows.length; y++)
    rows[y]!.forEach((r, q) => {
      const root = find(ids[y]![q]!);
      let list = comps.get(root);
      if (!list) comps.set(root, (list = []));
      list.push({ y, xc: (r.x0 + r.x1) / 2, w: r.x1 - r.x0 });
    });
  const atRef = new Set<number>();
  for (let y = M_max(0, refRow - 1); y <= M_min(rows.length - 1, refRow + 1); y++) for (const id of ids[y]!) atRef.add(find(id));
  const cand = mergeSplit([...atRef].map((id) => comps.get(id)!), refRow);
  if (cand.length < 4) return undefined;
  const mTop = median(cand.map((b) => b.top));
  const mBot = median(cand.map((b) => b.bottom));
  const mW = median(cand.map((b) => b.width));
  const mH = mBot - mTop + 1;
  const blobs = cand
    .filter((b) => b.bottom - b.top + 1 >= 0.4 * mH && b.bottom - b.top + 1 <= 2 * mH)
    .filter((b) => b.width >= 0.45 * mW && b.width <= 2.2 * mW)
    .filter((b) => M_abs(b.bottom - mBot) < 0.35 * mH || M_abs(b.top - mTop) < 0.35 * mH)
    .sort((p, q) => p.a + p.b * refRow - (q.a + q.b * refRow));
  return blobs.length >= 4 ? { blobs, refRow } : undefined;
}

/**
 * Blobs of the run lists, sorted along the row `y`; neighbours whose axes cross that row much closer than keys stand
 * (under 0.3 of the median spacing) are one key split in two (a highlight along it, or across it) and are joined.
 */
function mergeSplit(lists: { y: number; xc: number; w: number }[][], y: number): Blob[] {
  const at = (b: Blob): number => b.a + b.b * (y + 0.5);
  const items = lists.map((l) => ({ rows: l, blob: toBlob(l) })).sort((p, q) => at(p.blob) - at(q.blob));
  if (items.length < 4) return items.map((i) => i.blob);
  const minDx = 0.3 * median(items.slice(1).map((it, k) => at(it.blob) - at(items[k]!.blob)));
  const out = [items[0]!];
  for (const it of items.slice(1)) {
    const last = out[out.length - 1]!;
    if (at(it.blob) - at(last.blob) < minDx) {
      const rows = [...last.rows, ...it.rows];
      out[out.length - 1] = { rows, blob: toBlob(rows) };
    } else out.push(it);
  }
  return out.map((i) => i.blob);
}

function toBlob(rows: { y: number; xc: number; w: number }[]): Blob {
  rows.sort((p, q) => p.y - q.y);
  // one entry per row (keep the widest run)
  const byRow = new Map<number, { y: number; xc: number; w: number }>();
  for (const r of rows) {
    const o = byRow.get(r.y);
    if (!o || r.w > o.w) byRow.set(r.y, r);
  }
  const rs = [...byRow.values()];
  const top = rs[0]!.y;
  const bottom = rs[rs.length - 1]!.y;
  const h = bottom - top + 1;
  const inner = rs.filter((r) => r.y >= top + 0.15 * h && r.y <= bottom - 0.15 * h);
  const use = inner.length >= 3 ? inner : rs;
  // axis in pixel-centre coordinates: x = xc (run [x0,x1) has centre (x0+x1)/2), y = row + 0.5
  const line = robustLine(
    use.map((r) => r.y + 0.5),
    use.map((r) => r.xc),
    0.75,
  );
  return { top, bottom, rows: rs, a: line.c, b: line.d, width: median(use.map((r) => r.w)) };
}

/** Best rotation in [centre - maxDeg, centre + maxDeg] degrees, coarse then fine. */
export function searchAngle(img: FloatImage, maxDeg: number, centre = 0): number {
  let best = centre;
  let bestS = -1;
  for (let a = centre - maxDeg; a <= centre + maxDeg + 1e-9; a += 1) {
    const s = angleScore(img, a);
    if (s > bestS) {
      bestS = s;
      best = a;
    }
  }
  const c = best;
  for (const a of [c - 0.5, c + 0.5]) {
    const s = angleScore(img, a);
    if (s > bestS) {
      bestS = s;
      best = a;
    }
  }
  return best;
}

export interface Edges {
  back: Line; // y = c + d x
  front: Line;
  /** Bright run below the black keys minus the one above them, in pixels: negative when the view is flipped. */
  frontSide: number;
  white: number;
  dark: number;
}

export function axisX(b: Blob, y: number): number {
  return b.a + b.b * y;
}

/** Back edge (where the white keys' back ends, between black keys) and front edge (where the white keys end). */
export function findEdges(img: FloatImage, keys: BlackKeys): Edges | undefined {
  const { blobs } = keys;
  const top = median(blobs.map((b) => b.top));
  const bottom = median(blobs.map((b) => b.bottom)) + 1;
  const mid = (top + bottom) / 2;
  const px = (x: number, y: number): number => {
    const i = M_floor(x);
    const j = M_floor(y);
    if (i < 0 || j < 0 || i >= img.width || j >= img.height) return -1;
    return img.data[j * img.width + i]!;
  };
  const whites: number[] = [];
  const darks: number[] = [];
  for (let k = 0; k + 1 < blobs.length; k++) {
    for (let y = top + 0.2 * (bottom - top); y < bottom - 0.2 * (bottom - top); y += 2) {
      const xm = (axisX(blobs[k]!, y) + axisX(blobs[k + 1]!, y)) / 2;
      const v = px(xm, y);
      if (v >= 0) whites.push(v);
      const vd = px(axisX(blobs[k]!, y), y);
      if (vd >= 0) darks.push(vd);
    }
  }
  const white = median(whites);
  const dark = median(darks);
  if (!(white - dark > 30)) return undefined;
  const thr = (white + dark) / 2;
  const walk = (x0: number, y0: number, slope: number, dir: 1 | -1, need: number): number | undefined => {
    let run = 0;
    for (let y = y0; y >= 0 && y < img.height; y += dir) {
      const v = px(x0 + slope * (y - y0), y);
      if (v < 0) return undefined;
      if (v < thr) {
        if (++run >= need) return y - dir * (need - 1) + (dir < 0 ? 1 : 0);
      } else run = 0;
    }
    return undefined;
  };
  const bx: number[] = [];
  const by: number[] = [];
  for (let k = 0; k + 1 < blobs.length; k++) {
    const p = blobs[k]!;
    const q = blobs[k + 1]!;
    const xm = (axisX(p, mid) + axisX(q, mid)) / 2;
    const yb = walk(xm, M_floor(mid), (p.b + q.b) / 2, -1, 2);
    if (yb !== undefined) {
      bx.push(xm + ((p.b + q.b) / 2) * (yb - mid));
      by.push(yb);
    }
  }
  const fx: number[] = [];
  const fy: number[] = [];
  const span = axisX(blobs[blobs.length - 1]!, bottom) - axisX(blobs[0]!, bottom);
  const step = M_max(1, span / (blobs.length * 4));
  const start = M_floor(bottom + 0.05 * (bottom - top));
  for (let x = axisX(blobs[0]!, bottom); x <= axisX(blobs[blobs.length - 1]!, bottom); x += step) {
    let nb = blobs[0]!;
    for (const b of blobs) if (M_abs(axisX(b, bottom) - x) < M_abs(axisX(nb, bottom) - x)) nb = b;
    const yf = walk(x, start, nb.b, 1, 3);
    if (yf !== undefined) {
      fx.push(x + nb.b * (yf - start));
      fy.push(yf);
    }
  }
  if (bx.length < 3 || fx.length < 3) return undefined;
  const back = robustLine(bx, by, 1.0);
  const front = robustLine(fx, fy, 1.0);
  // orientation: bright white-key run below the black keys vs above them
  const below = median(fy) - bottom;
  const above = top - median(by);
  return { back, front, frontSide: below - above, white, dark };
}

export interface Detection {
  rot: Rotation;
  img: FloatImage;
  keys: BlackKeys;
  edges: Edges;
  angleDeg: number;
}

/** Rotates by `deg`, finds the black keys and the edges; undefined when there is no keyboard at that angle. */
export function detectAt(work: FloatImage, deg: number): Detection | undefined {
  const rot = rotation(work.width, work.height, deg);
  const img = rotate(work, rot);
  const keys = findBlackKeys(img);
  if (!keys) return undefined;
  const edges = findEdges(img, keys);
  if (!edges) return undefined;
  return { rot, img, keys, edges, angleDeg: deg };
}

/** Residual tilt of the black keys' front ends, in degrees (to add to the rotation). */
export function residualTiltDeg(keys: BlackKeys): number {
  const xs = keys.blobs.map((b) => axisX(b, b.bottom + 1));
  const ys = keys.blobs.map((b) => b.bottom + 1);
  const l = robustLine(xs, ys, 1.0);
  return (-Math.atan(l.d) * 180) / Math.PI;
}
