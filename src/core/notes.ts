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

/** The latest offset of `notes`, at least `floor` (a loop: spreading 125k+ notes into Math.max overflows the stack). */
export function notesEndSec(notes: readonly NoteEvent[], floor = 0): number {
  let end = floor;
  for (const n of notes) if (n.offsetSec > end) end = n.offsetSec;
  return end;
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

export interface AnchorOptions {
  /** A frame of the sounding roll sounds when its value is >= threshold. Default 0.4. */
  readonly threshold?: number;
  /**
   * A key-down onset is confirmed when the sounding roll is on within +-snapFrames of it (the refiner may shift a
   * note's start by a frame or two); an unconfirmed one is dropped as a false positive. Default 2.
   */
  readonly snapFrames?: number;
  /** Sounding notes are at least this many frames long (capped at the key's next onset). Default 1. */
  readonly minFrames?: number;
  /** Velocity of every note (1..127). Default 100. */
  readonly velocity?: number;
  /**
   * The refiner's onset probabilities (same shape as the sounding roll). A sounding run that no key-down onset
   * explains becomes a note only where this head peaks >= onsetThreshold at its start (a note the camera missed).
   * Without it such runs are dropped (tails of earlier notes, or hallucinations).
   */
  readonly onsets?: Roll;
  /** Default 0.5. */
  readonly onsetThreshold?: number;
}

/**
 * Onset-anchored decoding of a two-stage roll: *when* a note starts comes from the key-down notes (Video2Roll:
 * the camera sees a key struck, to the frame), *how long* it sounds from the refined sounding roll (Roll2Midi:
 * decay and sustain pedal, which the camera cannot see). Each key-down onset the sounding roll confirms becomes a
 * note that lasts to the end of the sounding run there, cut at the key's next onset; key-down notes the refiner
 * rejects are dropped; runs with no key-down onset become notes only when the refiner's onset head confirms them.
 * Pure; notes are sorted by onset then pitch, never overlap on one key and lie inside the sounding roll's span.
 */
export function anchorNotes(keyDown: readonly NoteEvent[], sounding: Roll, opts: AnchorOptions = {}): NoteEvent[] {
  const threshold = opts.threshold ?? 0.4;
  const snap = Math.max(0, Math.round(opts.snapFrames ?? 2));
  const minFrames = Math.max(1, Math.round(opts.minFrames ?? 1));
  const velocity = Math.max(1, Math.min(127, Math.round(opts.velocity ?? 100)));
  const { keys, frames, data } = sounding;
  const onsets = opts.onsets;
  if (onsets && (onsets.frames !== frames || onsets.keys !== keys)) {
    throw new RangeError(`onset roll is ${onsets.frames}x${onsets.keys}; expected the sounding roll's shape ${frames}x${keys}`);
  }
  const onsetThreshold = opts.onsetThreshold ?? 0.5;
  const starts: number[][] = Array.from({ length: keys }, () => []);
  const onsetSecAt = new Map<number, number>(); // k * frames + frame -> the key-down note's own onset
  for (const n of keyDown) {
    const k = n.pitch - sounding.lowestMidi;
    const a = Math.round((n.onsetSec - sounding.startSec) * sounding.fps);
    if (k >= 0 && k < keys && a >= 0 && a < frames) {
      starts[k]?.push(a);
      if (!onsetSecAt.has(k * frames + a)) onsetSecAt.set(k * frames + a, n.onsetSec);
    }
  }
  const notes: NoteEvent[] = [];
  for (let k = 0; k < keys; k++) {
    const on = (t: number): boolean => t >= 0 && t < frames && (data[t * keys + k] ?? 0) >= threshold;
    const firstOn = (a: number): number => {
      for (let t = a - snap; t <= a + snap; t++) if (on(t)) return t;
      return -1;
    };
    const confirmed = [...new Set(starts[k])].filter((a) => firstOn(a) >= 0);
    if (onsets) {
      const peak = (a: number): number => {
        let m = 0;
        for (let t = Math.max(0, a - snap); t <= Math.min(frames - 1, a + snap); t++) m = Math.max(m, onsets.data[t * keys + k] ?? 0);
        return m;
      };
      const explained = (s: number): boolean => confirmed.some((a) => Math.abs(a - s) <= snap);
      for (let t = 0; t < frames; t++) {
        if (on(t) && !on(t - 1) && !explained(t) && peak(t) >= onsetThreshold) confirmed.push(t);
      }
    }
    confirmed.sort((x, y) => x - y);
    confirmed.forEach((a, i) => {
      const next = Math.min(frames, confirmed[i + 1] ?? frames);
      let e = Math.max(a, firstOn(a));
      while (e < frames && on(e)) e++;
      e = Math.min(Math.max(e, a + minFrames), next);
      const onsetSec = onsetSecAt.get(k * frames + a) ?? frameTimeSec(sounding, a);
      const offsetSec = frameTimeSec(sounding, e);
      if (e > a && offsetSec > onsetSec) notes.push({ pitch: sounding.lowestMidi + k, onsetSec, offsetSec, velocity });
    });
  }
  return notes.sort(compareNotes);
}

/** How a two-stage roll becomes notes; saved in the Take so a later re-decode (a new threshold) gives the same notes. */
export interface StageDecoder {
  /**
   * Seconds from a key seen going down to its sound (key travel before the hammer strikes): added to the key-down
   * notes' times before anything else, so notes sound when the piano would. From the Video2Roll card
   * (timing.soundDelaySec); default 0.
   */
  readonly soundDelaySec?: number;
  /** Video2Roll's key-down roll -> notes (their onsets anchor the final notes). */
  readonly keyDown: Omit<DecodeOptions, 'onsets' | 'velocity'>;
  /** Present when Roll2Midi refined the roll: onset-anchored decoding of its sounding roll. */
  readonly sounding?: Omit<AnchorOptions, 'onsets' | 'velocity'>;
}

export interface StageRolls {
  readonly keyDown: Roll;
  readonly sounding?: Roll;
  /** Roll2Midi's onset head, when it has one. */
  readonly onsets?: Roll;
}

/**
 * The notes of a Take's rolls: key-down notes alone, or anchored on the sounding roll when there is one.
 * `threshold` overrides the last stage's threshold (what `--threshold` and OSC /threshold change).
 */
export function decodeStages(rolls: StageRolls, decoder: StageDecoder, threshold?: number): NoteEvent[] {
  const over = threshold === undefined ? {} : { threshold };
  const d = decoder.soundDelaySec ?? 0;
  const delay = (notes: NoteEvent[]): NoteEvent[] => (d === 0 ? notes : notes.map((n) => ({ ...n, onsetSec: n.onsetSec + d, offsetSec: n.offsetSec + d })));
  if (!rolls.sounding) return delay(rollToNotes(rolls.keyDown, { ...decoder.keyDown, ...over }));
  // the sounding roll is already on the sound's timeline (Roll2Midi learned sounding targets): only the key-down
  // onsets move
  const keyDown = delay(rollToNotes(rolls.keyDown, decoder.keyDown));
  return anchorNotes(keyDown, rolls.sounding, { ...decoder.sounding, ...over, ...(rolls.onsets ? { onsets: rolls.onsets } : {}) });
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

/**
 * Static-key suppression: per key, in consecutive windows of `windowFrames`, subtracts the window's median probability
 * (clamped at 0). A key is up most of the time in any performance, so a probability that stays high for most of a
 * window is the picture, not a press: a mark, a reflection, a lip or felt strip the model takes for a pressed key
 * (seen on real footage: whole-clip false keys). Presses, which come and go, keep their value minus a median of ~0.
 * A key truly held down for over half of a window is lost too; the extractor's 30-s window makes that rare. The last
 * window, shorter when the roll is not a whole number of windows, takes its median over the last `windowFrames` frames
 * of the roll (or all of it, when that is shorter): judged alone, a final chord held through a short tail would be
 * "static" and vanish. Sliding windows and a lower quantile were measured on the real clips and did worse
 * (docs/video2roll.md, notes). Pure.
 */
export function suppressStaticKeys(roll: Roll, windowFrames: number): Roll {
  const w = Math.max(1, Math.round(windowFrames));
  const { keys, frames, data } = roll;
  const out = new Float32Array(data.length);
  const values: number[] = [];
  for (let k = 0; k < keys; k++) {
    for (let s = 0; s < frames; s += w) {
      const e = Math.min(frames, s + w);
      values.length = 0;
      for (let t = Math.max(0, e - w); t < e; t++) values.push(data[t * keys + k] ?? 0);
      values.sort((a, b) => a - b);
      const median = values[Math.floor(values.length / 2)] ?? 0;
      for (let t = s; t < e; t++) out[t * keys + k] = Math.max(0, (data[t * keys + k] ?? 0) - median);
    }
  }
  return { ...roll, data: out };
}
