/**
 * The domain types every module shares. Units are in the names.
 */

/** One note: the single event type used by every output (MIDI file, ports, OSC, renderer, metrics). */
export interface NoteEvent {
  /** MIDI note number, 21..108 for a piano. */
  readonly pitch: number;
  /** Seconds on the video's own timeline. */
  readonly onsetSec: number;
  /** Seconds on the video's own timeline; > onsetSec. */
  readonly offsetSec: number;
  /** 1..127; 100 by default (the paper's fixed velocity). */
  readonly velocity: number;
}

/**
 * A piano roll: `frames` rows of `keys` values, frame-major (value of key k at frame t is data[t * keys + k]).
 * Key index k is MIDI `lowestMidi + k`. Frame t is at `startSec + t / fps` seconds.
 */
export interface Roll {
  readonly fps: number;
  readonly startSec: number;
  readonly lowestMidi: number;
  readonly keys: number;
  readonly frames: number;
  readonly data: Float32Array;
}

export function makeRoll(opts: { fps: number; frames: number; keys?: number; lowestMidi?: number; startSec?: number }): Roll {
  const keys = opts.keys ?? 88;
  return {
    fps: opts.fps,
    startSec: opts.startSec ?? 0,
    lowestMidi: opts.lowestMidi ?? 21,
    keys,
    frames: opts.frames,
    data: new Float32Array(opts.frames * keys),
  };
}

export function rollAt(roll: Roll, frame: number, key: number): number {
  return roll.data[frame * roll.keys + key] ?? 0;
}
