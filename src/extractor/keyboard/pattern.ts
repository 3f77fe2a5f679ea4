/**
 * Black-key pattern: which semitone each detected black key is, from the gaps between their centres, and the
 * canonical strip u of any MIDI note (extended beyond A0..C8 so a partial keyboard can be fitted before its octave
 * is known). Pure.
 */
import { WHITE_WIDTH } from '../../core/keyboard-geometry';

const BLACK_PCS = [1, 3, 6, 8, 10] as const;
const WHITE_PCS = [0, 2, 4, 5, 7, 9, 11] as const;

export function isBlackPc(pc: number): boolean {
  return (BLACK_PCS as readonly number[]).includes(((pc % 12) + 12) % 12);
}

/** White index (relative to A0 = 0) of the C that starts MIDI note m's octave; may be negative. */
function cWhiteIndex(midi: number): number {
  return 7 * Math.floor(midi / 12) - 12;
}

/** Canonical centre u of any MIDI note (black: equal-head; white: middle of its key), A0..C8 spanning [0, 1]. */
export function canonicalCentreU(midi: number): number {
  const pc = ((midi % 12) + 12) % 12;
  const c0 = cWhiteIndex(midi) * WHITE_WIDTH;
  if (isBlackPc(pc)) return c0 + ((pc + 0.5) * 7 * WHITE_WIDTH) / 12;
  return c0 + ((WHITE_PCS as readonly number[]).indexOf(pc) + 0.5) * WHITE_WIDTH;
}

/** Left edge u of a white MIDI note (any octave). */
export function whiteLeftU(midi: number): number {
  const pc = ((midi % 12) + 12) % 12;
  return (cWhiteIndex(midi) + (WHITE_PCS as readonly number[]).indexOf(pc)) * WHITE_WIDTH;
}

export interface PatternFit {
  /** Semitone of each input centre relative to a C (first one in 0..11, all black pitch classes). */
  semitones: number[];
  /** Mean squared gap misfit in semitone-head units (0 = perfect). */
  cost: number;
  /** The second-best phase's cost (ambiguity when close to `cost`). */
  runnerUpCost: number;
}

/**
 * Assigns black-key semitones to sorted x centres (pixels along the keyboard). Gaps between neighbours are 2 or 3
 * semitone heads (C#-D#, F#-G#, G#-A# vs D#-F#, A#-C#); hidden keys make longer gaps. The head size may vary along
 * the keyboard (perspective: a camera off to one side sees the far keys narrower): it is first estimated locally
 * (from the smaller gaps around each gap), then from a 1-D projective fit x = (a s + b) / (c s + 1) of x against the
 * assigned semitone s, which is exact for centres along any straight line across a keyboard seen in perspective.
 */
export function assignSemitones(xs: readonly number[]): PatternFit {
  if (xs.length < 3) return { semitones: xs.map((_, i) => BLACK_PCS[i % 5]!), cost: Infinity, runnerUpCost: Infinity };
  const gaps = xs.slice(1).map((x, i) => x - xs[i]!);
  const local = localHeads(gaps);
  const results: { semis: number[]; cost: number }[] = [];
  for (const p of BLACK_PCS) {
    let steps = gaps.map((g, i) => g / local[i]!);
    let best = { semis: [] as number[], cost: Infinity };
    for (let iter = 0; iter < 4; iter++) {
      const r = chain(p, steps);
      if (r.cost < best.cost) best = r;
      const toS = semitoneMap(r.semis, xs);
      if (!toS) break;
      steps = xs.slice(1).map((x, i) => toS(x) - toS(xs[i]!));
      if (steps.some((d) => !(d > 0))) break;
    }
    results.push(best);
  }
  results.sort((a, b) => a.cost - b.cost);
  const semis = results[0]!.semis;
  const octave = 12 * Math.floor(semis[0]! / 12);
  return { semitones: semis.map((s) => s - octave), cost: results[0]!.cost, runnerUpCost: results[1]!.cost };
}

/** Head size at each gap: half the 30th percentile of the gaps within 5 of it (most gaps are 2 heads). */
function localHeads(gaps: readonly number[]): number[] {
  return gaps.map((_, i) => {
    const win = gaps.slice(Math.max(0, i - 5), i + 6).sort((a, b) => a - b);
    return Math.max(1e-6, win[Math.floor(win.length * 0.3)]! / 2);
  });
}

/**
 * Semitones from the first key's pitch class `p`, each next key the black one nearest to the previous plus its
 * step (in heads); cost: mean squared misfit, long gaps (hidden keys) weighted down.
 */
function chain(p: number, steps: readonly number[]): { semis: number[]; cost: number } {
  const semis = [p];
  let cost = 0;
  for (let i = 0; i < steps.length; i++) {
    const d = steps[i]!;
    const s = semis[i]!;
    let bestS = s + 2;
    let bestE = Infinity;
    for (let t = s + 1; t <= s + 40; t++) {
      if (!isBlackPc(t)) continue;
      const e = Math.abs(d - (t - s));
      if (e < bestE) {
        bestE = e;
        bestS = t;
      }
    }
    semis.push(bestS);
    cost += (bestE * bestE) / Math.max(1, bestS - s - 1);
  }
  return { semis, cost: cost / steps.length };
}

/**
 * Continuous semitone of an x position from the assigned (s, x) pairs: 1-D projective fit (linear below 8 keys or
 * when the projective one is not monotonic over the keys), inverted. undefined when degenerate.
 */
export function semitoneMap(semis: readonly number[], xs: readonly number[]): ((x: number) => number) | undefined {
  const n = semis.length;
  const sm = semis.reduce((a, b) => a + b, 0) / n;
  const xm = xs.reduce((a, b) => a + b, 0) / n;
  const ss = Math.sqrt(semis.reduce((a, s) => a + (s - sm) ** 2, 0) / n) || 1;
  const xsd = Math.sqrt(xs.reduce((a, x) => a + (x - xm) ** 2, 0) / n) || 1;
  const S = semis.map((s) => (s - sm) / ss);
  const X = xs.map((x) => (x - xm) / xsd);
  const lin = polyFit(S, X, 1);
  let a = lin[1]!;
  let b = lin[0]!;
  let c = 0;
  if (n >= 8) {
    // a s + b - c s x = x, reweighted so the residuals are in x units
    let w = S.map(() => 1);
    for (let it = 0; it < 3; it++) {
      const m = [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ];
      const r = [0, 0, 0];
      for (let k = 0; k < n; k++) {
        const row = [S[k]!, 1, -S[k]! * X[k]!];
        for (let i = 0; i < 3; i++) {
          r[i]! += w[k]! * row[i]! * X[k]!;
          for (let j = 0; j < 3; j++) m[i]![j]! += w[k]! * row[i]! * row[j]!;
        }
      }
      const z = solve3(m, r);
      if (!z) break;
      const [za, zb, zc] = z;
      const den = S.map((s) => zc * s + 1);
      if (den.some((d) => d < 0.2) || za - zb * zc <= 0) break; // a pole near the keys: keep the last good one
      [a, b, c] = [za, zb, zc];
      w = den.map((d) => 1 / (d * d));
    }
  }
  if (!(a - b * c > 0)) return undefined;
  return (x: number): number => {
    const xn = (x - xm) / xsd;
    return sm + ss * ((xn - b) / (a - c * xn));
  };
}

function solve3(m: number[][], r: number[]): [number, number, number] | undefined {
  const det = (q: number[][]): number =>
    q[0]![0]! * (q[1]![1]! * q[2]![2]! - q[1]![2]! * q[2]![1]!) -
    q[0]![1]! * (q[1]![0]! * q[2]![2]! - q[1]![2]! * q[2]![0]!) +
    q[0]![2]! * (q[1]![0]! * q[2]![1]! - q[1]![1]! * q[2]![0]!);
  const d = det(m);
  if (Math.abs(d) < 1e-12) return undefined;
  const col = (k: number): number[][] => m.map((row, i) => row.map((v, j) => (j === k ? r[i]! : v)));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

/** Least-squares polynomial y = c0 + c1 x + c2 x^2 (degree 1 or 2). */
export function polyFit(x: readonly number[], y: readonly number[], degree: 1 | 2): number[] {
  const n = degree + 1;
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const b = new Array<number>(n).fill(0);
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  for (let k = 0; k < x.length; k++) {
    const xv = x[k]! - mx;
    const pw = [1, xv, xv * xv];
    for (let i = 0; i < n; i++) {
      b[i]! += pw[i]! * y[k]!;
      for (let j = 0; j < n; j++) a[i]![j]! += pw[i]! * pw[j]!;
    }
  }
  // solve small system
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    const piv = a[c]![c]! || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / piv;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
      b[r]! -= f * b[c]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * z[k]!;
    z[r] = s / (a[r]![r]! || 1e-12);
  }
  // convert from centred x to raw x
  const c0 = z[0]!;
  const c1 = z[1] ?? 0;
  const c2 = z[2] ?? 0;
  return degree === 2 ? [c0 - c1 * mx + c2 * mx * mx, c1 - 2 * c2 * mx, c2] : [c0 - c1 * mx, c1];
}
