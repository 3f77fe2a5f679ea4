/**
 * Aligning a MIDI recording to a video (`audeo adapt --midi`): the time offset and the pitch numbering at which the
 * MIDI's note-ons fall on the frames where the shipped Video2Roll model sees those keys go down. Pure.
 *
 * Signal: rise[t, k] = max(0, p[t, k] - p[t-1, k]) of the model's key-down probabilities, standardised per key
 * (so a key the model always half-sees does not dominate). A candidate (pitch shift s, offset o) scores the mean
 * signal at each note-on (time + o - keyLead, interpolated between frames) on key pitch + s. The same search made the
 * clavision calibration (training/audeo_training/clavision/calibrate.py `fine`).
 */
import type { NoteEvent, Roll } from '../core/types';

/**
 * Smallest contrast accepted. The MIDI of another take reaches 6.5-8 (the best of ~7,500 wrong candidates, in
 * test/adapt/align.test.ts); a true match scored 70-180 there and 180 on a clavision clip.
 */
export const MIN_CONTRAST = 12;

export interface AlignOptions {
  /** Offsets searched: [-maxOffsetSec, +maxOffsetSec]. Default 30. */
  readonly maxOffsetSec?: number;
  /** Pitch shifts tried (the numbering check). Default [0, -12, 12, -24, 24]. */
  readonly shifts?: readonly number[];
  /** Seconds a key is seen down before it sounds (the card's timing.soundDelaySec). */
  readonly keyLeadSec?: number;
  /** Smallest accepted contrast (best score against the other offsets, in standard deviations). Default MIN_CONTRAST. */
  readonly minContrast?: number;
}

export interface Alignment {
  /** Add to the MIDI's times to get the video's (sound) times. */
  readonly offsetSec: number;
  /** Add to the MIDI's pitches to get standard MIDI pitches (A0 = 21). */
  readonly pitchShift: number;
  /** Mean standardised rise at the notes (higher is better). */
  readonly score: number;
  /** (best - mean) / std over offsets more than 0.5 s from the best: how clearly this offset stands out. */
  readonly contrast: number;
  /** Best score of each shift tried. */
  readonly shiftScores: ReadonlyArray<{ readonly shift: number; readonly score: number }>;
  readonly notesUsed: number;
  readonly ok: boolean;
}

/** Standardised rise of a probability roll (frame-major). */
export function riseSignal(roll: Roll): Float32Array {
  const { frames, keys, data } = roll;
  const out = new Float32Array(frames * keys);
  for (let k = 0; k < keys; k++) {
    let sum = 0;
    let sq = 0;
    for (let t = 1; t < frames; t++) {
      const r = Math.max(0, data[t * keys + k]! - data[(t - 1) * keys + k]!);
      out[t * keys + k] = r;
      sum += r;
      sq += r * r;
    }
    const mean = sum / Math.max(1, frames);
    const std = Math.sqrt(Math.max(0, sq / Math.max(1, frames) - mean * mean)) + 1e-3;
    for (let t = 0; t < frames; t++) out[t * keys + k] = (out[t * keys + k]! - mean) / std;
  }
  return out;
}

function scoreAt(signal: Float32Array, roll: Roll, notes: readonly NoteEvent[], shift: number, visualOffset: number): { score: number; used: number } {
  let sum = 0;
  let used = 0;
  const { frames, keys, fps, startSec, lowestMidi } = roll;
  for (const n of notes) {
    const k = n.pitch + shift - lowestMidi;
    if (k < 0 || k >= keys) continue;
    const f = (n.onsetSec + visualOffset - startSec) * fps + 0.5;
    const f0 = Math.floor(f);
    if (f0 < 0 || f0 + 1 >= frames) continue;
    const a = f - f0;
    sum += (1 - a) * signal[f0 * keys + k]! + a * signal[(f0 + 1) * keys + k]!;
    used++;
  }
  return { score: used >= 0.5 * notes.length && used > 0 ? sum / used : -Infinity, used };
}

/** The offset and pitch shift that put `notes` (MIDI times and pitches) on the key-down rises of `roll`. */
export function alignMidi(notes: readonly NoteEvent[], roll: Roll, opts: AlignOptions = {}): Alignment {
  const maxOffset = opts.maxOffsetSec ?? 30;
  const shifts = opts.shifts ?? [0, -12, 12, -24, 24];
  const lead = opts.keyLeadSec ?? 0;
  const signal = riseSignal(roll);
  const step = 1 / roll.fps;
  const n = Math.round(maxOffset / step);
  let best = { shift: shifts[0] ?? 0, offset: 0, score: -Infinity, used: 0 };
  const shiftScores: { shift: number; score: number }[] = [];
  let bestCurve: Float64Array = new Float64Array(0);
  for (const shift of shifts) {
    const curve = new Float64Array(2 * n + 1);
    let top = -Infinity;
    for (let i = -n; i <= n; i++) {
      const { score, used } = scoreAt(signal, roll, notes, shift, i * step - lead);
      curve[i + n] = score;
      if (score > top) top = score;
      if (score > best.score) best = { shift, offset: i * step, score, used };
    }
    shiftScores.push({ shift, score: top });
    if (best.shift === shift) bestCurve = curve;
  }
  // fine: 10 ms steps within a frame of the best
  const coarse = best.offset;
  for (let d = -step; d <= step + 1e-9; d += 0.01) {
    const { score, used } = scoreAt(signal, roll, notes, best.shift, coarse + d - lead);
    if (score > best.score) best = { ...best, offset: coarse + d, score, used };
  }
  const far: number[] = [];
  bestCurve.forEach((s, j) => {
    if (Number.isFinite(s) && Math.abs((j - n) * step - best.offset) > 0.5) far.push(s);
  });
  const mean = far.reduce((a, b) => a + b, 0) / Math.max(1, far.length);
  const std = Math.sqrt(far.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, far.length)) || 1e-9;
  const contrast = Number.isFinite(best.score) && far.length > 10 ? (best.score - mean) / std : 0;
  return {
    offsetSec: best.offset,
    pitchShift: best.shift,
    score: best.score,
    contrast,
    shiftScores,
    notesUsed: best.used,
    ok: contrast >= (opts.minContrast ?? MIN_CONTRAST),
  };
}
