/**
 * A tempo map from note onsets, for MIDI files a DAW can edit on its grid. Pure.
 *
 * 1. Onset envelope: every note onset adds 1 to a 10-ms grid, smoothed by a 20-ms Gaussian, then log(1 + x) (a
 *    chord counts for more than one note, but not for as many beats as it has notes).
 * 2. Global tempo: the envelope's autocorrelation over periods of 40..240 BPM, weighted by a log-normal preference
 *    centred on 110 BPM (one octave wide; it settles the half/double ambiguity the way listeners tend to tap).
 * 3. Beats: dynamic programming (Ellis 2007, "Beat tracking by dynamic programming"): each beat is an onset peak and the
 *    gaps between beats stay close to the global period (a log-ratio penalty), so the beats follow a performer's drift.
 * 4. Tempo map: each beat's time smoothed by a straight-line fit over its 9 neighbours (no cumulative drift), one tempo
 *    event per beat; before the first beat, one pickup beat from time 0 (so tick 0 is video time 0 and a beat).
 *    Notes keep their seconds whatever the map: the map only moves the bar lines.
 * With a forced BPM (`--bpm`), one tempo and the phase that best fits the onsets (pickup beat as above).
 */
import type { NoteEvent } from './types';

export interface TempoPoint {
  /** Where this tempo starts, seconds on the video's timeline. */
  readonly timeSec: number;
  readonly bpm: number;
}

export interface TempoEstimate {
  /** The global tempo (the autocorrelation's choice, or the forced one). */
  readonly bpm: number;
  /** Beat times (seconds), increasing; beat k of the MIDI file (tick k * ppq) lands on beatsSec[k]. beatsSec[0] = 0. */
  readonly beatsSec: readonly number[];
  /** One tempo per beat, starting at 0 s. */
  readonly map: readonly TempoPoint[];
  /** "tracked", "forced" (--bpm) or "default" (too few onsets: 120 BPM). */
  readonly source: 'tracked' | 'forced' | 'default';
}

export interface TempoOptions {
  /** Force this tempo (one tempo, phase fitted). */
  readonly bpm?: number;
  /** The map covers at least up to here (default: the last note's end). */
  readonly endSec?: number;
  /** Preferred tempo of the prior (default 110). */
  readonly preferredBpm?: number;
  /** Weight of the beat tracker's tempo-change penalty (default TIGHTNESS). */
  readonly tightness?: number;
}

export const TIGHTNESS = 60;

export const HOP_SEC = 0.01;
export const MIN_BPM = 40;
export const MAX_BPM = 240;
/** Fewer distinct onsets than this: 120 BPM, no tracking. */
export const MIN_ONSETS = 8;

/** The onset envelope on a HOP_SEC grid up to `endSec`. */
export function onsetEnvelope(onsetsSec: readonly number[], endSec: number): Float64Array {
  const n = Math.max(1, Math.ceil(endSec / HOP_SEC) + 1);
  const raw = new Float64Array(n);
  for (const t of onsetsSec) {
    const i = Math.round(t / HOP_SEC);
    if (i >= 0 && i < n) raw[i]! += 1;
  }
  const sigma = 2; // frames (20 ms)
  const half = 3 * sigma;
  const kernel = Array.from({ length: 2 * half + 1 }, (_, k) => Math.exp(-((k - half) ** 2) / (2 * sigma * sigma)));
  const env = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (raw[i] === 0) continue;
    for (let k = -half; k <= half; k++) if (i + k >= 0 && i + k < n) env[i + k]! += raw[i]! * kernel[k + half]!;
  }
  // compress after smoothing: a chord's notes a few ms apart count like one loud onset, not like four beats
  for (let i = 0; i < n; i++) env[i] = Math.log1p(env[i]!);
  return env;
}

/** The global beat period (seconds) from the envelope's weighted autocorrelation. */
export function globalPeriodSec(env: Float64Array, preferredBpm = 110): number {
  const n = env.length;
  let mean = 0;
  for (const v of env) mean += v;
  mean /= n;
  const x = Float64Array.from(env, (v) => v - mean);
  const lagMin = Math.round(60 / MAX_BPM / HOP_SEC);
  const lagMax = Math.min(n - 1, Math.round(60 / MIN_BPM / HOP_SEC));
  const score = new Float64Array(lagMax + 2);
  for (let lag = lagMin; lag <= lagMax; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += x[i]! * x[i - lag]!;
    const octaves = Math.log2((60 / (lag * HOP_SEC)) / preferredBpm);
    score[lag] = (s / (n - lag)) * Math.exp(-0.5 * octaves * octaves);
  }
  let best = lagMin;
  for (let lag = lagMin; lag <= lagMax; lag++) if (score[lag]! > score[best]!) best = lag;
  // parabolic refinement between neighbouring lags
  const a = score[best - 1] ?? 0;
  const b = score[best]!;
  const c = score[best + 1] ?? 0;
  const den = a - 2 * b + c;
  const shift = best > lagMin && best < lagMax && den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den)) : 0;
  return (best + shift) * HOP_SEC;
}

/**
 * The beat period around each frame (frames): the envelope's autocorrelation over a window of +-4 s, searched within
 * 0.7..1.4 times the global period (so the tracker can follow a performer's drift, not jump a metrical level).
 */
export function localPeriods(env: Float64Array, periodSec: number): Float64Array {
  const n = env.length;
  const p = periodSec / HOP_SEC;
  const half = Math.round(4 / HOP_SEC);
  const step = 25;
  const lagLo = Math.max(2, Math.floor(0.7 * p));
  const lagHi = Math.ceil(1.4 * p);
  const centres: number[] = [];
  const periods: number[] = [];
  for (let c = 0; c < n + step; c += step) {
    const a = Math.max(0, Math.min(n - 1, c) - half);
    const b = Math.min(n, Math.min(n - 1, c) + half);
    let mean = 0;
    for (let i = a; i < b; i++) mean += env[i]!;
    mean /= Math.max(1, b - a);
    let best = -Infinity;
    let arg = p;
    const sc = new Map<number, number>();
    for (let lag = lagLo; lag <= lagHi; lag++) {
      let s = 0;
      for (let i = a + lag; i < b; i++) s += (env[i]! - mean) * (env[i - lag]! - mean);
      const oct = Math.log2(lag / p);
      const v = (s / Math.max(1, b - a - lag)) * Math.exp(-0.5 * (oct / 0.35) ** 2);
      sc.set(lag, v);
      if (v > best) {
        best = v;
        arg = lag;
      }
    }
    const l = sc.get(arg - 1);
    const r = sc.get(arg + 1);
    const den = l !== undefined && r !== undefined ? l - 2 * best + r : 0;
    const shift = den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (l! - r!)) / den)) : 0;
    centres.push(c);
    periods.push(best > 0 ? arg + shift : p);
  }
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const k = Math.min(periods.length - 2, Math.floor(t / step));
    const u = (t - centres[k]!) / step;
    out[t] = periods[k]! * (1 - u) + periods[k + 1]! * u;
  }
  return out;
}

/**
 * Beat frames by dynamic programming (Ellis 2007): each beat an onset peak, each gap close to the local period
 * (`localPeriods`; a log-ratio penalty weighted by `tightness`).
 */
export function trackBeats(env: Float64Array, periodSec: number, tightness = TIGHTNESS): number[] {
  const n = env.length;
  const p = periodSec / HOP_SEC;
  const local = localPeriods(env, periodSec);
  let sd = 0;
  let mean = 0;
  for (const v of env) mean += v;
  mean /= n;
  for (const v of env) sd += (v - mean) ** 2;
  sd = Math.sqrt(sd / n) || 1;
  const o = Float64Array.from(env, (v) => v / sd);
  const score = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  for (let t = 0; t < n; t++) {
    const pt = local[t]!;
    const lo = Math.max(1, Math.round(pt / 2));
    const hi = Math.round(2 * pt);
    let best = 0;
    let arg = -1;
    for (let d = lo; d <= hi && t - d >= 0; d++) {
      const r = Math.log(d / pt);
      const s = score[t - d]! - tightness * r * r;
      if (arg < 0 || s > best) {
        best = s;
        arg = t - d;
      }
    }
    score[t] = o[t]! + (arg >= 0 ? Math.max(0, best) : 0);
    back[t] = arg >= 0 && best > 0 ? arg : -1;
  }
  // the last beat: the best score within the last period
  let t = n - 1;
  for (let k = Math.max(0, n - Math.round(p)); k < n; k++) if (score[k]! > score[t]!) t = k;
  const beats: number[] = [];
  while (t >= 0) {
    beats.push(t);
    t = back[t]!;
  }
  return beats.reverse();
}

/** Each beat's time replaced by a straight-line fit over its `half` neighbours on each side (no cumulative drift). */
export function smoothBeats(beatsSec: readonly number[], half = 4): number[] {
  const n = beatsSec.length;
  return beatsSec.map((_, k) => {
    const a = Math.max(0, k - half);
    const b = Math.min(n - 1, k + half);
    const m = b - a + 1;
    if (m < 3) return beatsSec[k]!;
    let sj = 0;
    let st = 0;
    let sjj = 0;
    let sjt = 0;
    for (let j = a; j <= b; j++) {
      sj += j;
      st += beatsSec[j]!;
      sjj += j * j;
      sjt += j * beatsSec[j]!;
    }
    const slope = (m * sjt - sj * st) / (m * sjj - sj * sj);
    return (st - slope * sj) / m + slope * k;
  });
}

/** Beats from 0: a pickup beat from time 0 to the first beat (merged into the next when shorter than half a period). */
function withPickup(beats: readonly number[], periodSec: number): number[] {
  const out = beats.filter((b) => b > 1e-6);
  // extend backwards on the period while a whole beat fits before the first
  while (out.length > 0 && out[0]! - periodSec > 1e-6) out.unshift(out[0]! - periodSec);
  if (out.length > 1 && out[0]! < 0.5 * periodSec) out.shift();
  return [0, ...out];
}

/** Extends beats on their last period to at least `endSec`. */
function extendTo(beats: number[], endSec: number, periodSec: number): number[] {
  const last = beats.length > 1 ? beats[beats.length - 1]! - beats[beats.length - 2]! : periodSec;
  const step = last > 0 ? last : periodSec;
  while (beats[beats.length - 1]! < endSec) beats.push(beats[beats.length - 1]! + step);
  return beats;
}

function mapOf(beats: readonly number[]): TempoPoint[] {
  const map: TempoPoint[] = [];
  for (let k = 0; k + 1 < beats.length; k++) map.push({ timeSec: beats[k]!, bpm: 60 / (beats[k + 1]! - beats[k]!) });
  return map;
}

/** Distinct onset times (notes within 30 ms are one onset, counted once per note for the envelope). */
function onsetsOf(notes: readonly NoteEvent[]): number[] {
  return notes.map((n) => n.onsetSec).filter((t) => Number.isFinite(t) && t >= 0).sort((a, b) => a - b);
}

function distinctCount(onsets: readonly number[]): number {
  let n = 0;
  let last = -Infinity;
  for (const t of onsets) {
    if (t - last > 0.03) n++;
    last = t;
  }
  return n;
}

/** The phase (seconds, 0..period) of a fixed-period grid that best fits the envelope. */
function bestPhaseSec(env: Float64Array, periodSec: number): number {
  const p = periodSec / HOP_SEC;
  let best = 0;
  let bestScore = -Infinity;
  for (let ph = 0; ph < p; ph += 1) {
    let s = 0;
    for (let t = ph; t < env.length; t += p) s += env[Math.round(t)] ?? 0;
    if (s > bestScore) {
      bestScore = s;
      best = ph;
    }
  }
  return best * HOP_SEC;
}

export function estimateTempo(notes: readonly NoteEvent[], opts: TempoOptions = {}): TempoEstimate {
  if (opts.bpm !== undefined && !(opts.bpm >= 10 && opts.bpm <= 400)) throw new RangeError(`tempo ${opts.bpm} BPM is out of range; expected 10..400`);
  const onsets = onsetsOf(notes);
  const endSec = Math.max(opts.endSec ?? 0, ...notes.map((n) => n.offsetSec), 0) + 0.001;
  const constant = (bpm: number, phaseSec: number, source: TempoEstimate['source']): TempoEstimate => {
    const period = 60 / bpm;
    const grid: number[] = [];
    const first = phaseSec > 1e-6 ? phaseSec : period;
    for (let k = 0; grid.length === 0 || grid[grid.length - 1]! < endSec; k++) grid.push(first + k * period);
    const beats = withPickup(grid, period);
    // the tempo exactly as asked after the pickup beat (differences of beat times would round it)
    const map = mapOf(beats).map((p, k) => (k === 0 ? p : { ...p, bpm }));
    return { bpm, beatsSec: beats, map, source };
  };
  if (opts.bpm !== undefined) {
    const env = onsetEnvelope(onsets, endSec);
    return constant(opts.bpm, onsets.length ? bestPhaseSec(env, 60 / opts.bpm) : 0, 'forced');
  }
  if (distinctCount(onsets) < MIN_ONSETS) return constant(120, 0, 'default');
  const env = onsetEnvelope(onsets, endSec);
  const period = globalPeriodSec(env, opts.preferredBpm ?? 110);
  const tracked = trackBeats(env, period, opts.tightness ?? TIGHTNESS).map((f) => f * HOP_SEC);
  const smoothed = smoothBeats(tracked);
  const beats = extendTo(withPickup(smoothed, period), endSec, period);
  return { bpm: 60 / period, beatsSec: beats, map: mapOf(beats), source: 'tracked' };
}

/** Seconds -> ticks through a beat list (beat k at tick k * ppq; linear within a beat). */
export function secondsToTicks(beatsSec: readonly number[], ppq: number, sec: number): number {
  const n = beatsSec.length;
  if (n < 2) return Math.round((sec / 0.5) * ppq);
  let lo = 0;
  let hi = n - 1;
  if (sec >= beatsSec[n - 1]!) lo = n - 2;
  else {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (beatsSec[mid]! <= sec) lo = mid;
      else hi = mid;
    }
  }
  const a = beatsSec[lo]!;
  const b = beatsSec[lo + 1]!;
  return (lo + (sec - a) / (b - a)) * ppq;
}
