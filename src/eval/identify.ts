/**
 * Offline music identification (the paper's Table 2, without a commercial service): a query's chromagram is aligned
 * against every reference's by subsequence DTW (free start and end in the reference; steps (1,1), (2,1), (1,2), so
 * tempo may differ by up to 2x); the reference with the lowest mean cost (1 - cosine, 0..2) wins. Pure.
 */
import type { Chromagram } from './chroma';

export interface Match {
  readonly cost: number;
  /** Reference row where the best alignment ends. */
  readonly endFrame: number;
}

export function subsequenceDtw(query: Chromagram, ref: Chromagram): Match {
  const N = query.frames;
  const M = ref.frames;
  if (N === 0 || M === 0) return { cost: Infinity, endFrame: -1 };
  const q = query.data;
  const r = ref.data;
  const cost = (i: number, j: number): number => {
    let d = 0;
    for (let c = 0; c < 12; c++) d += q[i * 12 + c]! * r[j * 12 + c]!;
    return 1 - d;
  };
  // Three rolling rows of accumulated cost (i-2, i-1, i).
  let prev2 = new Float64Array(M).fill(Infinity);
  let prev1 = new Float64Array(M);
  let cur = new Float64Array(M);
  for (let j = 0; j < M; j++) prev1[j] = cost(0, j);
  for (let i = 1; i < N; i++) {
    for (let j = 0; j < M; j++) {
      let best = Infinity;
      if (j >= 1) best = Math.min(prev1[j - 1]!, j >= 1 && i >= 2 ? prev2[j - 1]! : Infinity);
      if (j >= 2) best = Math.min(best, prev1[j - 2]!);
      cur[j] = best === Infinity ? Infinity : best + cost(i, j);
    }
    const t = prev2;
    prev2 = prev1;
    prev1 = cur;
    cur = t;
  }
  let endFrame = -1;
  let min = Infinity;
  for (let j = 0; j < M; j++) {
    if (prev1[j]! < min) {
      min = prev1[j]!;
      endFrame = j;
    }
  }
  return { cost: min / N, endFrame };
}

export interface Ranked {
  readonly name: string;
  readonly cost: number;
}

/** References ranked best first. */
export function identify(query: Chromagram, library: readonly { readonly name: string; readonly chroma: Chromagram }[]): Ranked[] {
  return library.map((ref) => ({ name: ref.name, cost: subsequenceDtw(query, ref.chroma).cost })).sort((a, b) => a.cost - b.cost);
}

/** A query's chromagram rows [fromSec, fromSec + lengthSec). */
export function sliceChroma(c: Chromagram, fromSec: number, lengthSec: number): Chromagram {
  const a = Math.max(0, Math.floor(fromSec / c.hopSec));
  const b = Math.min(c.frames, a + Math.round(lengthSec / c.hopSec));
  return { data: c.data.slice(a * 12, b * 12), frames: Math.max(0, b - a), hopSec: c.hopSec };
}
