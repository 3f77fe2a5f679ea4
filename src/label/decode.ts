/**
 * basic-pitch posteriorgrams -> notes. Pure.
 *
 * The note-creation of basic-pitch (`outputToNotesPoly`: inferred onsets, onset peak picking, energy-tracked
 * durations, the "melodia trick" for notes without a detected onset), rewritten over flat Float32Arrays so it runs in
 * linear-ish time on long recordings (the package's version is quadratic in the melodia loop), followed by two
 * clean-ups of what basic-pitch gets wrong on piano: an amplitude filter and the removal of harmonic / octave ghosts.
 *
 * Shapes: `frames`, `onsets` are frame-major nFrames x keys (key k = MIDI lowestMidi + k); frameTimesSec[nFrames].
 */
import type { NoteEvent } from '../core/types';
import type { Activations } from './basic-pitch';

export interface DecodeOptions {
  /** Minimum onset peak to start a note. basic-pitch default 0.5. */
  readonly onsetThreshold?: number;
  /** Frame activation under which a note is considered released. basic-pitch default 0.3. */
  readonly frameThreshold?: number;
  /** Notes of <= this many model frames (11.6 ms each) are dropped. basic-pitch's Python default 11 (~128 ms). */
  readonly minNoteFrames?: number;
  /** Frames a note may drop below frameThreshold before it ends. basic-pitch default 11. */
  readonly energyToleranceFrames?: number;
  /** Add onsets where the frame activation jumps. Default true. */
  readonly inferOnsets?: boolean;
  /** Also make notes from remaining energy without an onset peak. Default true. */
  readonly melodiaTrick?: boolean;
  /** Drop notes whose mean frame activation is below this. Default 0 (off). */
  readonly minAmplitude?: number;
  /**
   * Drop a note that starts with a louder note 12, 19, 24, 28 or 31 semitones below it (a harmonic ghost) when its
   * amplitude is below `harmonicRatio` times that note's. Default 0 (off).
   */
  readonly harmonicRatio?: number;
  /** How close the onsets of a ghost and its fundamental must be, in seconds. Default 0.06. */
  readonly harmonicOnsetToleranceSec?: number;
  /**
   * Scales each note's duration (onset fixed). basic-pitch hears a note until its sound fades; a key is held for less
   * (OMAPS' MIDI is key-down). Default 1.
   */
  readonly durationScale?: number;
  /** Added to every onset and offset (model latency). Default 0. */
  readonly timeOffsetSec?: number;
  /** MIDI range kept. Default 21..108. */
  readonly lowMidi?: number;
  readonly highMidi?: number;
}

export const DEFAULT_DECODE: Required<DecodeOptions> = {
  onsetThreshold: 0.5,
  frameThreshold: 0.3,
  minNoteFrames: 11,
  energyToleranceFrames: 11,
  inferOnsets: true,
  melodiaTrick: true,
  minAmplitude: 0,
  harmonicRatio: 0,
  harmonicOnsetToleranceSec: 0.06,
  durationScale: 1,
  timeOffsetSec: 0,
  lowMidi: 21,
  highMidi: 108,
};

/** A decoded note with the model's own frame indices and mean activation (0..1). */
export interface DecodedNote {
  readonly pitch: number;
  readonly startFrame: number;
  readonly endFrame: number;
  readonly amplitude: number;
}

function inferredOnsets(frames: Float32Array, onsets: Float32Array, nFrames: number, keys: number): Float32Array {
  const diff = new Float32Array(nFrames * keys);
  let diffMax = 0;
  let onsetMax = 0;
  for (let i = 0; i < onsets.length; i++) onsetMax = Math.max(onsetMax, onsets[i]!);
  for (let t = 2; t < nFrames; t++) {
    for (let k = 0; k < keys; k++) {
      const v = frames[t * keys + k]!;
      const d1 = v - frames[(t - 1) * keys + k]!;
      const d2 = v - frames[(t - 2) * keys + k]!;
      const d = Math.max(0, Math.min(d1, d2));
      diff[t * keys + k] = d;
      if (d > diffMax) diffMax = d;
    }
  }
  const out = new Float32Array(nFrames * keys);
  const scale = diffMax > 0 ? onsetMax / diffMax : 0;
  for (let i = 0; i < out.length; i++) out[i] = Math.max(onsets[i]!, diff[i]! * scale);
  return out;
}

/** basic-pitch's note creation (outputToNotesPoly) over flat arrays; returns notes in model frames. */
export function decodeNoteFrames(act: Activations, options: DecodeOptions = {}): DecodedNote[] {
  const o = { ...DEFAULT_DECODE, ...options };
  const { nFrames, keys, frames, lowestMidi } = act;
  if (nFrames < 3) return [];
  const lowK = Math.max(0, o.lowMidi - lowestMidi);
  const highK = Math.min(keys - 1, o.highMidi - lowestMidi);
  const onsets = o.inferOnsets ? inferredOnsets(frames, act.onsets, nFrames, keys) : act.onsets;
  const remaining = Float32Array.from(frames);
  for (let t = 0; t < nFrames; t++) {
    for (let k = 0; k < keys; k++) if (k < lowK || k > highK) remaining[t * keys + k] = 0;
  }
  const at = (t: number, k: number): number => onsets[t * keys + k]!;
  // Onset peaks (strict local maxima in time, clipped edges) above the threshold, latest first.
  const starts: number[] = [];
  for (let t = nFrames - 1; t >= 0; t--) {
    for (let k = highK; k >= lowK; k--) {
      const v = at(t, k);
      if (v <= o.onsetThreshold) continue;
      if (t > 0 && !(v > at(t - 1, k))) continue;
      if (t < nFrames - 1 && !(v > at(t + 1, k))) continue;
      starts.push(t * keys + k);
    }
  }
  const notes: DecodedNote[] = [];
  const mean = (k: number, a: number, b: number): number => {
    let s = 0;
    for (let t = a; t < b; t++) s += frames[t * keys + k]!;
    return b > a ? s / (b - a) : 0;
  };
  const clear = (t: number, k: number): void => {
    remaining[t * keys + k] = 0;
    if (k + 1 < keys) remaining[t * keys + k + 1] = 0;
    if (k > 0) remaining[t * keys + k - 1] = 0;
  };
  for (const cell of starts) {
    const t0 = Math.floor(cell / keys);
    const k = cell - t0 * keys;
    if (t0 >= nFrames - 1) continue;
    let i = t0 + 1;
    let below = 0;
    while (i < nFrames - 1 && below < o.energyToleranceFrames) {
      if (remaining[i * keys + k]! < o.frameThreshold) below++;
      else below = 0;
      i++;
    }
    i -= below;
    if (i - t0 <= o.minNoteFrames) continue;
    for (let j = t0; j < i; j++) clear(j, k);
    notes.push({ pitch: k + lowestMidi, startFrame: t0, endFrame: i, amplitude: mean(k, t0, i) });
  }
  if (o.melodiaTrick) {
    // Repeatedly take the global maximum of the remaining energy: values only ever drop to 0, so visiting cells in
    // descending order of their original value and skipping cleared ones is the same as re-taking the argmax.
    const cand: number[] = [];
    for (let i = 0; i < remaining.length; i++) if (remaining[i]! > o.frameThreshold) cand.push(i);
    const snapshot = Float32Array.from(remaining);
    cand.sort((a, b) => snapshot[b]! - snapshot[a]! || a - b);
    for (const cell of cand) {
      if (!(remaining[cell]! > o.frameThreshold)) continue;
      const tMid = Math.floor(cell / keys);
      const k = cell - tMid * keys;
      remaining[cell] = 0;
      let i = tMid + 1;
      let below = 0;
      while (i < nFrames - 1 && below < o.energyToleranceFrames) {
        if (remaining[i * keys + k]! < o.frameThreshold) below++;
        else below = 0;
        clear(i, k);
        i++;
      }
      const tEnd = i - 1 - below;
      i = tMid - 1;
      below = 0;
      while (i > 0 && below < o.energyToleranceFrames) {
        if (remaining[i * keys + k]! < o.frameThreshold) below++;
        else below = 0;
        clear(i, k);
        i--;
      }
      const tStart = i + 1 + below;
      if (tEnd - tStart <= o.minNoteFrames) continue;
      notes.push({ pitch: k + lowestMidi, startFrame: tStart, endFrame: tEnd, amplitude: mean(k, tStart, tEnd) });
    }
  }
  return notes;
}

const GHOST_INTERVALS = [12, 19, 24, 28, 31] as const;

/** Removes quiet notes and harmonic ghosts; returns the kept notes. */
export function cleanNotes(notes: readonly DecodedNote[], timeOf: (frame: number) => number, options: DecodeOptions = {}): DecodedNote[] {
  const o = { ...DEFAULT_DECODE, ...options };
  const loud = notes.filter((n) => n.amplitude >= o.minAmplitude);
  if (!(o.harmonicRatio > 0)) return loud;
  const byPitch = new Map<number, DecodedNote[]>();
  for (const n of loud) {
    let l = byPitch.get(n.pitch);
    if (!l) byPitch.set(n.pitch, (l = []));
    l.push(n);
  }
  return loud.filter((n) => {
    const on = timeOf(n.startFrame);
    for (const h of GHOST_INTERVALS) {
      for (const f of byPitch.get(n.pitch - h) ?? []) {
        if (Math.abs(timeOf(f.startFrame) - on) <= o.harmonicOnsetToleranceSec && n.amplitude < o.harmonicRatio * f.amplitude) return false;
      }
    }
    return true;
  });
}

export function amplitudeToVelocity(amplitude: number): number {
  return Math.max(1, Math.min(127, Math.round(amplitude * 127)));
}

/** Posteriorgrams -> cleaned NoteEvents in seconds, sorted by onset then pitch. */
export function activationsToNotes(act: Activations, options: DecodeOptions = {}): NoteEvent[] {
  const o = { ...DEFAULT_DECODE, ...options };
  const last = act.nFrames - 1;
  const timeOf = (f: number): number => act.frameTimesSec[Math.max(0, Math.min(last, f))]!;
  const kept = cleanNotes(decodeNoteFrames(act, o), timeOf, o);
  return kept
    .map((n) => {
      const on = timeOf(n.startFrame);
      const off = on + o.durationScale * (timeOf(n.endFrame) - on);
      return {
        pitch: n.pitch,
        onsetSec: Math.max(0, on + o.timeOffsetSec),
        offsetSec: Math.max(0, off + o.timeOffsetSec),
        velocity: amplitudeToVelocity(n.amplitude),
      };
    })
    .filter((n) => n.offsetSec > n.onsetSec)
    .sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
}

/**
 * The decoder settings `audeo label` uses: tuned on OMAPS pieces 001-025 by coordinate ascent on the mean of note-onset
 * F1 and frame F1 (`node <build>/bench/label_bench.js tune`; docs/pseudo-labels.md). The harmonic clean-up did not
 * help on real piano once quiet notes are dropped (minAmplitude), so it is off; `durationScale` 0.8 models key
 * release (the reference is key-down MIDI) and `timeOffsetSec` -15 ms the model's onset latency.
 */
export const LABEL_DECODE: DecodeOptions = {
  ...DEFAULT_DECODE,
  onsetThreshold: 0.6,
  frameThreshold: 0.3,
  minNoteFrames: 5,
  energyToleranceFrames: 16,
  inferOnsets: false,
  melodiaTrick: true,
  minAmplitude: 0.35,
  harmonicRatio: 0,
  durationScale: 0.8,
  timeOffsetSec: -0.015,
};
