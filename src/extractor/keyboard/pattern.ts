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
 * semitone heads (C#-D#, F#-G#, G#-A# vs D#-F#, A#-C#); a hidden key makes a gap of 4-5. The local head size is
 * re-estimated from a quadratic fit of x against semitone (mild perspective).
 */
export function assignSemitones(xs: readonly number[]): PatternFit {
  if (xs.length < 3) return { semitones: xs.map((_, i) => BLACK_PCS[i % 5]!), cost: Infinity, runnerUpCost: Infinity };
  const gaps = xs.slice(1).map((x, i) => x - xs[i]!);
  const sorted = [...gaps].sort((a, b) => a - b);
  const h0 = sorted[Math.floor(sorted.length * 0.3)]! / 2; // most gaps are 2 heads
  const results: { semis: number[]; cost: number }[] = [];
  for (const p of BLACK_PCS) {
    let headAt = (_i: number): number => h0;
    let best: { semis: number[]; cost: number } = { semis: [], cost: Infinity };
    for (let iter = 0; iter < 3; iter++) {
      const semis = [p as number];
      let cost = 0;
      for (let i = 0; i < gaps.length; i++) {
        const d = gaps[i]! / headAt(i);
        const s = semis[i]!;
        let bestS = s + 2;
        let bestE = Infinity;
        for (let t = s + 1; t <= s + 14; t++) {
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
      cost /= gaps.length;
      best = { semis, cost };
      const fit = polyFit(semis, xs, xs.length >= 8 ? 2 : 1);
      headAt = (i: number): number => {
        const s = (semis[i]! + semis[i + 1]!) / 2;
        return Math.max(1e-6, fit[1]! + 2 * (fit[2] ?? 0) * s);
      };
    }
    results.push(best);
  }
  results.sort((a, b) => a.cost - b.cost);
  return { semitones: results[0]!.semis, cost: results[0]!.cost, runnerUpCost: results[1]!.cost };
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
