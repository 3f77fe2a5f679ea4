/**
 * Velocities from a note's context. A top-view video shows when and which keys go down, not how hard: audeo's
 * decoders give every note velocity 100. What the notes themselves say about loudness is their context — how many
 * keys go down together, whether a note is the top of its chord (the melody, which pianists voice louder), how long it
 * is held, how dense and how high the music is around it. `contextVelocities` maps those features to a velocity
 * with a linear model fitted on real performances (bench/velocity_tempo.ts: ASAP's Disklavier recordings, held-out
 * pieces; the figures are in docs/midi-file.md). Pure.
 *
 * Not used: the speed of the key-down probability's rise in the roll (a proxy for key speed). Nothing here can check
 * it: the only real video with the piano's own MIDI (clavision) recorded every note at velocity 76.
 */
import type { NoteEvent } from './types';

/** The features of one note, in this order (see VELOCITY_MODEL). */
export const VELOCITY_FEATURES = ['chordSize', 'topOfChord', 'bottomOfChord', 'logDurationSec', 'logDensity', 'pitch', 'logGapBeforeSec'] as const;

export interface VelocityModel {
  /** Per feature: mean and standard deviation on the training notes (z-scored before the weights). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly weights: readonly number[];
  readonly intercept: number;
  /** Predictions are spread by this factor around `intercept` (regression shrinks them: this restores the real spread). */
  readonly spread: number;
  /** Where the coefficients come from. */
  readonly provenance: string;
}

/** Notes whose onsets are this close are one chord. */
export const CHORD_WINDOW_SEC = 0.035;
/** Half-width of the window the local density counts onsets in. */
export const DENSITY_HALF_WINDOW_SEC = 1;

/**
 * One row per note, in the notes' own order: the VELOCITY_FEATURES of each. Pure; O(n log n + n * chord size).
 */
export function velocityFeatures(notes: readonly NoteEvent[]): number[][] {
  const n = notes.length;
  const order = [...notes.keys()].sort((a, b) => notes[a]!.onsetSec - notes[b]!.onsetSec || notes[a]!.pitch - notes[b]!.pitch);
  const on = order.map((i) => notes[i]!.onsetSec);
  const rows: number[][] = new Array<number[]>(n);
  let lo = 0;
  let hi = 0;
  let dLo = 0;
  let dHi = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    const t = on[r]!;
    const nt = notes[i]!;
    while (on[lo]! < t - CHORD_WINDOW_SEC) lo++;
    while (hi + 1 < n && on[hi + 1]! <= t + CHORD_WINDOW_SEC) hi++;
    if (hi < r) hi = r;
    while (on[dLo]! < t - DENSITY_HALF_WINDOW_SEC) dLo++;
    while (dHi + 1 < n && on[dHi + 1]! <= t + DENSITY_HALF_WINDOW_SEC) dHi++;
    if (dHi < r) dHi = r;
    let top = true;
    let bottom = true;
    for (let k = lo; k <= hi; k++) {
      if (k === r) continue;
      const p = notes[order[k]!]!.pitch;
      if (p > nt.pitch) top = false;
      if (p < nt.pitch) bottom = false;
    }
    const chord = hi - lo + 1;
    // the gap since the last onset before this chord
    const prev = lo > 0 ? on[lo - 1]! : undefined;
    const gap = prev === undefined ? 2 : Math.min(2, t - prev);
    rows[i] = [
      chord,
      top && chord > 1 ? 1 : 0,
      bottom && chord > 1 ? 1 : 0,
      Math.log(Math.min(4, Math.max(0.02, nt.offsetSec - nt.onsetSec))),
      Math.log((dHi - dLo + 1) / (2 * DENSITY_HALF_WINDOW_SEC)),
      nt.pitch,
      Math.log(Math.max(0.01, gap)),
    ];
  }
  return rows;
}

/** Fitted by bench/velocity_tempo.ts (see its provenance line); docs/midi-file.md gives the held-out correlation. */
export const VELOCITY_MODEL: VelocityModel = {
  mean: [2.6041, 0.2499, 0.2473, -2.2557, 2.5745, 64.5492, -2.0206],
  std: [1.6009, 0.433, 0.4315, 0.964, 0.5681, 14.7693, 0.7213],
  weights: [1.2373, 2.3775, -2.5495, 3.7316, 18.8887, 7.0772, 5.0095],
  intercept: 65.48,
  spread: 1,
  provenance:
    "bench/velocity_tempo.ts (2026-12-02): least squares on 624176 notes of 174 ASAP performances (held-out piece folders excluded), weights divided by the training correlation 0.458 so the predictions keep the performances' spread; held-out per-performance r median 0.332",
};

/** Velocities (1..127) from each note's context, in the notes' order. */
export function contextVelocities(notes: readonly NoteEvent[], model: VelocityModel = VELOCITY_MODEL): number[] {
  return velocityFeatures(notes).map((row) => {
    let z = 0;
    for (let k = 0; k < row.length; k++) z += (model.weights[k] ?? 0) * ((row[k]! - (model.mean[k] ?? 0)) / (model.std[k] || 1));
    return Math.max(1, Math.min(127, Math.round(model.intercept + model.spread * z)));
  });
}
