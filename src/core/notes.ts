/**
 * The note decoder: a probability roll (P(key down) per frame) -> NoteEvent[], and back. Pure.
 *
 * Frame convention: frame t of a roll covers [startSec + t/fps, startSec + (t+1)/fps).
 * A note held over frames a..b-1 has onsetSec = startSec + a/fps and offsetSec = startSec + b/fps.
 */
import type { NoteEvent, Roll } from './types';

export interface DecodeOptions {
  /** A key is down in a frame when its probability is >= threshold. Default 0.4. */
  readonly threshold?: number;
  /** Notes shorter than this many frames are dropped. Default 2. */
  readonly minFrames?: number;
  /**
   * Re-press split: a key released for a gap of >= repressGapFrames frames and then down again gives two notes.
   * Shorter gaps are flicker and are bridged into one note. Default 1 (every released frame splits);
   * e.g. 2 bridges single-frame drop-outs.
   */
  readonly repressGapFrames?: number;
  /** Velocity of every note (1..127). Default 100, the paper's fixed velocity. */
  readonly velocity?: number;
  /**
   * Optional onset probabilities, same shape as the roll: a rising onset peak >= onsetThreshold
   * inside a held note splits it into two notes (a re-press too quick for the frame roll to show a gap).
   */
  readonly onsets?: Roll;
  /** Default 0.5. */
  readonly onsetThreshold?: number;
}

export interface NotesToRollOptions {
  readonly fps: number;
  readonly frames: number;
  readonly startSec?: number;
  readonly lowestMidi?: number;
  readonly keys?: number;
  /** Value written for a held key. Default 1. */
  readonly value?: number;
}

export function frameTimeSec(roll: Pick<Roll, 'fps' | 'startSec'>, frame: number): number {
  return roll.startSec + frame / roll.fps;
}

function compareNotes(a: NoteEvent, b: NoteEvent): number {
  return a.onsetSec - b.onsetSec || a.pitch - b.pitch || a.offsetSec - b.offsetSec;
}

/** Sorts notes by onset, then pitch (a new array). */
export function sortNotes(notes: readonly NoteEvent[]): NoteEvent[] {
  return [...notes].sort(compareNotes);
}

/** Frames [start, end) of runs where `down(t)` holds, with gaps shorter than `minGap` bridged. */
function heldRuns(frames: number, down: (t: number) => boolean, minGap: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let t = 0; t <= frames; t++) {
    const d = t < frames && down(t);
    if (d && start < 0) start = t;
    if (!d && start >= 0) {
      const last = runs[runs.length - 1];
      if (last && start - last[1] < minGap) last[1] = t;
      else runs.push([start, t]);
      start = -1;
    }
  }
  return runs;
}

/** Splits run [a, b) at rising onset peaks >= threshold strictly inside it. */
function splitAtOnsets(a: number, b: number, onsetAt: (t: number) => number, threshold: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = a;
  for (let t = a + 1; t < b; t++) {
    const o = onsetAt(t);
    if (o >= threshold && o > onsetAt(t - 1) && o >= onsetAt(t + 1)) {
      out.push([start, t]);
      start = t;
    }
  }
  out.push([start, b]);
  return out;
}

/** Decodes a probability roll into notes, sorted by onset then pitch. */
export function rollToNotes(roll: Roll, opts: DecodeOptions = {}): NoteEvent[] {
  const threshold = opts.threshold ?? 0.4;
  const minFrames = Math.max(1, opts.minFrames ?? 2);
  const minGap = Math.max(1, opts.repressGapFrames ?? 1);
  const velocity = Math.max(1, Math.min(127, Math.round(opts.velocity ?? 100)));
  const onsets = opts.onsets;
  if (onsets && (onsets.frames !== roll.frames || onsets.keys !== roll.keys)) {
    throw new RangeError(`onset roll is ${onsets.frames}x${onsets.keys}; expected the frame roll's shape ${roll.frames}x${roll.keys}`);
  }
  const onsetThreshold = opts.onsetThreshold ?? 0.5;
  const notes: NoteEvent[] = [];
  const { keys, frames, data } = roll;
  for (let k = 0; k < keys; k++) {
    const runs = heldRuns(frames, (t) => (data[t * keys + k] ?? 0) >= threshold, minGap);
    for (const [a, b] of runs) {
      const pieces = onsets
        ? splitAtOnsets(a, b, (t) => (t < 0 || t >= frames ? 0 : (onsets.data[t * keys + k] ?? 0)), onsetThreshold)
        : [[a, b] as [number, number]];
      for (const [s, e] of pieces) {
        if (e - s < minFrames) continue;
        notes.push({ pitch: roll.lowestMidi + k, onsetSec: frameTimeSec(roll, s), offsetSec: frameTimeSec(roll, e), velocity });
      }
    }
  }
  return notes.sort(compareNotes);
}

/**
 * Draws notes into a roll: a note covers the frames from round(onset) to round(offset) (at least one frame),
 * clipped to the roll. Notes outside the key range are ignored.
 */
export function notesToRoll(notes: readonly NoteEvent[], opts: NotesToRollOptions): Roll {
  const startSec = opts.startSec ?? 0;
  const lowestMidi = opts.lowestMidi ?? 21;
  const keys = opts.keys ?? 88;
  const value = opts.value ?? 1;
  const { fps, frames } = opts;
  const data = new Float32Array(frames * keys);
  for (const n of notes) {
    const k = n.pitch - lowestMidi;
    if (k < 0 || k >= keys) continue;
    const a = Math.round((n.onsetSec - startSec) * fps);
    const b = Math.max(a + 1, Math.round((n.offsetSec - startSec) * fps));
    for (let t = Math.max(0, a); t < Math.min(frames, b); t++) data[t * keys + k] = value;
  }
  return { fps, startSec, lowestMidi, keys, frames, data };
}
