/**
 * The Take: everything one extraction produced, in one versioned JSON file (`*.audeo.json`).
 * Pure (de)serialisation here; file I/O in src/io/take-file.ts.
 *
 * Rolls are stored compactly: probabilities quantised to 0..255 (uint8, value/255), base64, frame-major.
 */
import { InputError } from './errors';
import { decodeStages, rollToNotes, type StageDecoder } from './notes';
import type { NoteEvent, Roll } from './types';

export const TAKE_FORMAT = 'audeo.take' as const;
export const TAKE_VERSION = 1 as const;

export interface TakeSource {
  /** Path as given by the user. */
  readonly path: string;
  readonly sizeBytes: number;
  /** sha256 of the first MiB of the file: identifies the video without reading it all. */
  readonly headSha256: string;
  readonly durationSec: number;
  /** The source's own frame rate (e.g. 29.97); the rolls are at the model's fps. */
  readonly fps: number;
  /** Start timecode of the video (SMPTE "HH:MM:SS:FF"), when the container carries one. */
  readonly startTimecode?: string;
}

export interface TakeModelRef {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
}

export interface EncodedRoll {
  readonly fps: number;
  readonly startSec: number;
  readonly lowestMidi: number;
  readonly keys: number;
  readonly frames: number;
  /** "u8-base64": round(p*255) per cell, frame-major. */
  readonly encoding: 'u8-base64';
  readonly data: string;
}

export interface Take {
  readonly format: typeof TAKE_FORMAT;
  readonly version: typeof TAKE_VERSION;
  readonly createdAt: string;
  readonly source: TakeSource;
  /** `transcriber`: an audio transcriber (basic-pitch) that made pseudo ground truth from the soundtrack (`audeo label`). */
  readonly models: { readonly video2roll?: TakeModelRef; readonly roll2midi?: TakeModelRef; readonly transcriber?: TakeModelRef };
  /** Keyboard geometry used: the crop box in source pixels and the MIDI note of the leftmost visible key. */
  readonly keyboard?: {
    readonly box: readonly [number, number, number, number];
    readonly lowestMidi: number;
    readonly highestMidi: number;
    /** Strip (u, v in [0,1], whole 88-key keyboard) -> source pixel homography, 3x3 row-major (audeo extract). */
    readonly homography?: readonly number[];
    /** Locator confidence 0..1; absent when the user gave the geometry. */
    readonly confidence?: number;
  };
  /** Human-readable notes about how the take was made, e.g. a stage that was skipped (audeo extract). */
  readonly notices?: readonly string[];
  readonly threshold: number;
  /** How the rolls became the notes (audeo extract); a re-decode with a new threshold uses it. Absent in older Takes. */
  readonly decoder?: StageDecoder;
  /** `onsets`: Roll2Midi's onset head, when its model has one. */
  readonly rolls: {
    readonly video2roll?: EncodedRoll;
    readonly roll2midi?: EncodedRoll;
    readonly onsets?: EncodedRoll;
    readonly transcriber?: EncodedRoll;
  };
  readonly notes: readonly NoteEvent[];
  /** Frames fully processed; < total while an extraction is in progress (used to resume). */
  readonly progress: { readonly framesDone: number; readonly framesTotal: number; readonly complete: boolean };
}

/** A probability as the Take stores it: one of 0..255, the byte of `encodeRoll`. */
export function rollByte(p: number): number {
  return Math.max(0, Math.min(255, Math.round(p * 255)));
}

/**
 * Puts `data[from..to)` on the Take's 8-bit grid in place: each value becomes what `decodeRoll(encodeRoll(...))` gives
 * back. An extraction keeps its Video2Roll roll on this grid as it goes, so a run resumed from a checkpoint (which
 * holds the roll as bytes) refines and decodes exactly the roll an uninterrupted run does.
 */
export function toRollGrid(data: Float32Array, from = 0, to = data.length): Float32Array {
  for (let i = from; i < to; i++) data[i] = rollByte(data[i] ?? 0) / 255;
  return data;
}

export function encodeRoll(roll: Roll): EncodedRoll {
  const bytes = new Uint8Array(roll.data.length);
  for (let i = 0; i < roll.data.length; i++) bytes[i] = rollByte(roll.data[i] ?? 0);
  return {
    fps: roll.fps,
    startSec: roll.startSec,
    lowestMidi: roll.lowestMidi,
    keys: roll.keys,
    frames: roll.frames,
    encoding: 'u8-base64',
    data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

export function decodeRoll(enc: EncodedRoll): Roll {
  if (enc.encoding !== 'u8-base64') throw new InputError(`roll encoding "${String(enc.encoding)}" is not supported; expected "u8-base64"`);
  const bytes = Buffer.from(enc.data, 'base64');
  if (bytes.length !== enc.frames * enc.keys) {
    throw new InputError(`roll data has ${bytes.length} cells; expected frames*keys = ${enc.frames * enc.keys}`);
  }
  const data = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) data[i] = (bytes[i] ?? 0) / 255;
  return { fps: enc.fps, startSec: enc.startSec, lowestMidi: enc.lowestMidi, keys: enc.keys, frames: enc.frames, data };
}

/** Why `x` is not a note, or undefined when it is one. */
function notNote(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'is not an object';
  const n = x as Record<string, unknown>;
  for (const k of ['pitch', 'onsetSec', 'offsetSec', 'velocity']) {
    if (typeof n[k] !== 'number' || !Number.isFinite(n[k])) return n[k] === undefined ? `has no ${k}` : `has ${k} ${typeof n[k] === 'number' ? String(n[k]) : JSON.stringify(n[k])}, not a finite number`;
  }
  const pitch = n.pitch as number;
  if (!Number.isInteger(pitch) || pitch < 0 || pitch > 127) return `has pitch ${pitch}, not a MIDI note 0..127`;
  if ((n.offsetSec as number) < (n.onsetSec as number)) return `ends (${n.offsetSec as number} s) before it starts (${n.onsetSec as number} s)`;
  return undefined;
}

/** Validates a list of notes ({pitch, onsetSec, offsetSec, velocity}); throws InputError naming the first bad one. */
export function parseNoteList(list: unknown, where = 'notes'): NoteEvent[] {
  const expected = 'expected "notes" to be an array of {pitch: an integer 0..127, onsetSec, offsetSec >= onsetSec, velocity}';
  if (!Array.isArray(list)) throw new InputError(`${where}: ${list === undefined ? 'there is no "notes" array' : '"notes" is not an array'}; ${expected}`);
  list.forEach((x, i) => {
    const why = notNote(x);
    if (why) throw new InputError(`${where}: note ${i} ${why}; ${expected}`);
  });
  return list as NoteEvent[];
}

/** Validates parsed JSON as a Take; throws InputError naming what was expected. */
export function parseTake(json: unknown, where = 'take'): Take {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(`${where}: expected a JSON object (an audeo Take)`);
  const t = json as Record<string, unknown>;
  if (t.format === undefined) throw new InputError(`${where} is not an audeo Take (it has no "format"); expected format "${TAKE_FORMAT}"`);
  if (t.format !== TAKE_FORMAT) throw new InputError(`${where}: expected format "${TAKE_FORMAT}", got ${JSON.stringify(t.format)}`);
  if (t.version === undefined) throw new InputError(`${where}: the take has no "version"; expected ${TAKE_VERSION}`);
  if (t.version !== TAKE_VERSION) throw new InputError(`${where}: take version ${JSON.stringify(t.version)} is not supported; expected ${TAKE_VERSION}`);
  parseNoteList(t.notes, where);
  if (typeof t.source !== 'object' || t.source === null) throw new InputError(`${where}: expected a "source" object`);
  if (t.rolls === undefined) return { ...(json as Take), rolls: {} }; // notes alone play; no roll to re-decode
  if (typeof t.rolls !== 'object' || t.rolls === null || Array.isArray(t.rolls)) throw new InputError(`${where}: "rolls" is not an object; expected {video2roll?, roll2midi?, onsets?, transcriber?}`);
  return json as Take;
}

/**
 * The Take's notes decoded again from its rolls with another final threshold (`audeo play --threshold`, OSC
 * /threshold), the same way extraction made them. Undefined when the Take has no roll to decode.
 */
export function redecodeTake(take: Take, threshold: number): NoteEvent[] | undefined {
  const { video2roll, roll2midi, onsets } = take.rolls;
  if (video2roll && take.decoder) {
    return decodeStages(
      { keyDown: decodeRoll(video2roll), ...(roll2midi ? { sounding: decodeRoll(roll2midi) } : {}), ...(onsets ? { onsets: decodeRoll(onsets) } : {}) },
      take.decoder,
      threshold,
    );
  }
  const enc = roll2midi ?? video2roll ?? take.rolls.transcriber;
  return enc ? rollToNotes(decodeRoll(enc), { threshold }) : undefined;
}
